//! The small action menus that open next to what was clicked: a node, a link or a
//! message. They are HTML laid over the figure, made of real buttons, and every action
//! goes out as a [`UiAction`]; what an action does is for the engine to decide.

use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, HtmlInputElement};
use yew::prelude::*;

use crate::scenario::limits::VALUE_CHARS;
use crate::scenario::{script, ProtocolRef};
use crate::sim::client::{Op, MAX_CLIENTS};
use crate::sim::{Action, MessageId, NodeId, Time};
use crate::ui::lab::format_ms;
use crate::ui::state::UiAction;

/// Keys inside a menu: Escape closes it and gives focus back to the node it belongs to;
/// Space and Enter stay with the focused button instead of reaching the page's shortcuts
/// (where Space would also play or pause).
fn menu_keydown(on_action: Callback<UiAction>, node: Option<NodeId>) -> Callback<KeyboardEvent> {
    Callback::from(move |e: KeyboardEvent| match e.key().as_str() {
        "Escape" => {
            e.prevent_default();
            e.stop_propagation();
            // The target, not the current target: Yew delegates events from its root.
            let cluster = e
                .target()
                .and_then(|t| t.dyn_into::<Element>().ok())
                .and_then(|el| el.closest(".cluster").ok().flatten());
            on_action.emit(UiAction::Select(None));
            if let (Some(cluster), Some(id)) = (cluster, node) {
                focus_node(&cluster, id);
            }
        }
        " " | "Enter" => e.stop_propagation(),
        _ => {}
    })
}

/// Moves keyboard focus to node `id`'s element inside `cluster`.
pub fn focus_node(cluster: &Element, id: NodeId) {
    if let Ok(Some(el)) = cluster.query_selector(&format!("[data-node=\"{id}\"]")) {
        if let Ok(el) = el.dyn_into::<web_sys::SvgElement>() {
            let _ = el.focus();
        }
    }
}

/// Focuses the first button of the menu behind `menu` when `autofocus` is set (the menu
/// was opened from the keyboard), whenever `key` changes.
#[hook]
fn use_autofocus(menu: NodeRef, key: u64, autofocus: bool) {
    use_effect_with((key, autofocus), move |(_, autofocus)| {
        if *autofocus {
            let first = menu
                .cast::<Element>()
                .and_then(|m| m.query_selector("button:not(.menu-close)").ok().flatten())
                .and_then(|b| b.dyn_into::<HtmlElement>().ok());
            if let Some(b) = first {
                let _ = b.focus();
            }
        }
    });
}

/// The close button every menu has in its corner.
fn close_button(on_action: &Callback<UiAction>) -> Html {
    let onclick = on_action.reform(|_: MouseEvent| UiAction::Select(None));
    html! {
        <button type="button" class="menu-close" aria-label="Close menu" title="Close (Esc)"
                {onclick}>{ "×" }</button>
    }
}

fn act_button(
    on_action: &Callback<UiAction>,
    label: String,
    action: Action,
    class: &'static str,
) -> Html {
    let onclick = on_action.reform(move |_: MouseEvent| UiAction::Act(action.clone()));
    html! { <button type="button" {class} {onclick}>{ label }</button> }
}

/// Props of [`NodeMenu`].
#[derive(Properties, Clone, PartialEq)]
pub struct NodeMenuProps {
    /// The node.
    pub id: NodeId,
    /// False while crashed.
    pub up: bool,
    /// Its state in a few words ("leader, term 3").
    pub status: AttrValue,
    /// Its protocol, whose commands the menu offers.
    pub spec: ProtocolRef,
    /// Cluster size (for the links row).
    pub n: u32,
    /// Where the menu sits (CSS).
    pub style: AttrValue,
    /// For each of the protocol's commands, the value it gets when its field is left
    /// empty (empty for commands without a value).
    pub next_values: Vec<AttrValue>,
    /// Focus the first button (opened from the keyboard).
    pub autofocus: bool,
    /// For a protocol that serves clients, the clients the menu offers (C1, C2, …), each
    /// with the value its next write gets when the field is left empty; empty otherwise.
    #[prop_or_default]
    pub clients: Vec<AttrValue>,
    /// Where intents go.
    pub on_action: Callback<UiAction>,
}

/// A node's actions: crash or restart it, its protocol's own commands (Raft: time out
/// now, send a client request), and one of its links.
#[function_component(NodeMenu)]
pub fn node_menu(props: &NodeMenuProps) -> Html {
    let menu = use_node_ref();
    // Crashing or restarting replaces the focused button: focus the new first one.
    use_autofocus(
        menu.clone(),
        props.id as u64 * 2 + props.up as u64,
        props.autofocus,
    );
    let id = props.id;
    let on_action = &props.on_action;
    let state = if props.up {
        props.status.to_string()
    } else {
        format!("crashed · {}", props.status)
    };
    let links = (1..=props.n).filter(|&p| p != id).map(|p| {
        let (a, b) = (id.min(p), id.max(p));
        let onclick = on_action.reform(move |_: MouseEvent| {
            UiAction::Select(Some(crate::ui::lab::Selection::Link(a, b)))
        });
        html! {
            <button type="button" class="menu-chip" aria-label={format!("Link S{id}–S{p}")}
                    title={format!("The link between S{id} and S{p}: cut or repair it")} {onclick}>
                { format!("S{p}") }
            </button>
        }
    });
    let spec = props.spec;
    let plain = spec.commands.iter().filter(|c| c.value.is_none()).map(|c| {
        let action = script::command(&spec, c.name, id, None).expect("a command of the spec");
        let onclick = on_action.reform(move |_: MouseEvent| UiAction::Act(action.clone()));
        html! { <button type="button" title={c.help} {onclick}>{ c.label }</button> }
    });
    let valued = spec
        .commands
        .iter()
        .zip(&props.next_values)
        .filter_map(|(c, next)| c.value.map(|v| (c, v, next.clone())))
        .map(|(c, v, next)| {
            html! {
                <ValueForm node={id} spec={spec} command={c.name} label={v.label}
                           submit={c.label} help={c.help} {next} on_action={on_action.clone()} />
            }
        });
    let body = if props.up {
        html! {
            <>
                <div class="menu-actions">
                    { act_button(on_action, "Crash".into(), Action::Crash { node: id }, "menu-danger") }
                    { for plain }
                </div>
                { for valued }
                if !props.clients.is_empty() {
                    <ClientForm node={id} clients={props.clients.clone()} on_action={on_action.clone()} />
                }
            </>
        }
    } else {
        html! {
            <>
                <p class="menu-note">{ "Crashed: it keeps only its persistent state, and forgets the rest." }</p>
                <div class="menu-actions">
                    { act_button(on_action, "Restart".into(), Action::Restart { node: id }, "menu-primary") }
                </div>
            </>
        }
    };
    html! {
        <div ref={menu} class="cluster-menu" role="dialog" aria-label={format!("S{id} actions")}
             style={props.style.clone()} onkeydown={menu_keydown(on_action.clone(), Some(id))}>
            <div class="menu-head">
                <span class="menu-title">{ format!("S{id}") }</span>
                <span class="menu-sub">{ state }</span>
                { close_button(on_action) }
            </div>
            { body }
            if props.n > 1 {
                <div class="menu-links" role="group" aria-label={format!("Links of S{id}")}>
                    <span class="menu-label">{ "Links" }</span>
                    { for links }
                </div>
            }
        </div>
    }
}

/// Props of [`ValueForm`].
#[derive(Properties, Clone, PartialEq)]
struct ValueFormProps {
    node: NodeId,
    spec: ProtocolRef,
    command: &'static str,
    label: &'static str,
    submit: &'static str,
    help: &'static str,
    next: AttrValue,
    on_action: Callback<UiAction>,
}

/// A command that carries a value (a client request): a text field and its button. An
/// empty field sends the made-up value shown as the placeholder.
#[function_component(ValueForm)]
fn value_form(props: &ValueFormProps) -> Html {
    let input = use_node_ref();
    let onsubmit = {
        let props = props.clone();
        let input = input.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let field = input.cast::<HtmlInputElement>();
            let typed = field.as_ref().map(|f| f.value()).unwrap_or_default();
            let value = match typed.trim() {
                "" => props.next.to_string(),
                v => v.to_string(),
            };
            if let Some(f) = field {
                f.set_value("");
            }
            if let Some(a) = script::command(&props.spec, props.command, props.node, Some(value)) {
                props.on_action.emit(UiAction::Act(a));
            }
        })
    };
    html! {
        <form class="menu-request" {onsubmit} title={props.help}>
            <label>
                <span class="menu-label">{ props.label }</span>
                <input ref={input} type="text" class="menu-input" maxlength="40"
                       placeholder={props.next.clone()} autocomplete="off"
                       spellcheck="false" />
            </label>
            <button type="submit" aria-label={format!("{} {}", props.submit, props.label.to_lowercase())}>
                { props.submit }
            </button>
        </form>
    }
}

/// The clients a node's menu offers and the value each one's next write gets when its
/// field is left empty: `"c.n"`, client `c`'s `n`th operation, as a workload names its
/// values. At least three clients, every client the run has used, and one more, so there
/// is always an idle one to pick.
pub fn client_choices(
    history: &[crate::check::Operation],
    workload_clients: u32,
) -> Vec<AttrValue> {
    let mut issued: Vec<u64> = Vec::new();
    for op in history {
        let c = op.client as usize;
        if c >= 1 {
            if issued.len() < c {
                issued.resize(c, 0);
            }
            issued[c - 1] += 1;
        }
    }
    let count = (issued.len() + 1)
        .max(3)
        .max(workload_clients as usize)
        .min(MAX_CLIENTS as usize);
    (1..=count)
        .map(|c| {
            let n = issued.get(c - 1).copied().unwrap_or(0) + 1;
            AttrValue::from(format!("{c}.{n}"))
        })
        .collect()
}

/// Which client operation the menu's client form is filling in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ClientOp {
    Write,
    Read,
}

/// Props of [`ClientForm`].
#[derive(Properties, Clone, PartialEq)]
struct ClientFormProps {
    node: NodeId,
    clients: Vec<AttrValue>,
    on_action: Callback<UiAction>,
}

/// "Write…" and "Read…": a client (C1, C2, …) reads or writes a register through this
/// node. Each button opens a small form with the client, the key (`x` when empty) and,
/// for a write, the value (made up when empty); it is sent as the `write` or `read`
/// action, which the engine may refuse (a client already waiting), as the notice then says.
#[function_component(ClientForm)]
fn client_form(props: &ClientFormProps) -> Html {
    let open = use_state(|| None::<ClientOp>);
    let client = use_state(|| 1_usize);
    let key = use_node_ref();
    let value = use_node_ref();
    let first_field = use_node_ref();
    // Opening the form puts the focus in it, so the keyboard goes straight on.
    {
        let first_field = first_field.clone();
        use_effect_with(*open, move |open| {
            if open.is_some() {
                if let Some(el) = first_field.cast::<HtmlElement>() {
                    let _ = el.focus();
                }
            }
        });
    }
    let toggle = |op: ClientOp| {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| {
            open.set(if *open == Some(op) { None } else { Some(op) })
        })
    };
    let count = props.clients.len().max(1);
    let chosen = (*client).clamp(1, count);
    let next = props.clients.get(chosen - 1).cloned().unwrap_or_default();
    let on_client = {
        let client = client.clone();
        Callback::from(move |e: Event| {
            let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
            client.set(select.value().parse().unwrap_or(1));
        })
    };
    let onsubmit = {
        let open = open.clone();
        let (key, value) = (key.clone(), value.clone());
        let node = props.node;
        let on_action = props.on_action.clone();
        let next = next.to_string();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(kind) = *open else {
                return;
            };
            let typed = |r: &NodeRef| {
                r.cast::<HtmlInputElement>()
                    .map(|f| f.value().trim().to_string())
                    .unwrap_or_default()
            };
            let k = match typed(&key) {
                k if k.is_empty() => "x".to_string(),
                k => k,
            };
            let op = match kind {
                ClientOp::Read => Op::Read { key: k },
                ClientOp::Write => Op::Write {
                    key: k,
                    value: match typed(&value) {
                        v if v.is_empty() => next.clone(),
                        v => v,
                    },
                },
            };
            if let Some(f) = value.cast::<HtmlInputElement>() {
                f.set_value("");
            }
            on_action.emit(UiAction::Act(Action::Client {
                client: chosen as u32,
                node,
                op,
            }));
        })
    };
    let id = props.node;
    let pressed = |op: ClientOp| (*open == Some(op)).to_string();
    let options = (1..=count).map(|c| {
        html! { <option value={c.to_string()} selected={c == chosen}>{ format!("C{c}") }</option> }
    });
    let form = open.map(|kind| {
        let verb = match kind {
            ClientOp::Write => "Write",
            ClientOp::Read => "Read",
        };
        html! {
            <form class="menu-client" {onsubmit} aria-label={format!("{verb} through S{id}")}>
                <label class="menu-client-field">
                    <span class="menu-label">{ "Client" }</span>
                    <select ref={first_field} class="menu-input" onchange={on_client}>{ for options }</select>
                </label>
                <label class="menu-client-field">
                    <span class="menu-label">{ "Key" }</span>
                    <input ref={key} type="text" class="menu-input" maxlength={VALUE_CHARS.to_string()}
                           placeholder="x" autocomplete="off" spellcheck="false" />
                </label>
                if kind == ClientOp::Write {
                    <label class="menu-client-field">
                        <span class="menu-label">{ "Value" }</span>
                        <input ref={value} type="text" class="menu-input" maxlength={VALUE_CHARS.to_string()}
                               placeholder={next.clone()} autocomplete="off" spellcheck="false" />
                    </label>
                }
                <button type="submit" class="menu-primary"
                        aria-label={format!("Send the {} from C{chosen} to S{id}", verb.to_lowercase())}>
                    { verb }
                </button>
            </form>
        }
    });
    html! {
        <div class="menu-clients" role="group" aria-label={format!("Clients of S{id}")}>
            <div class="menu-actions">
                <button type="button" aria-pressed={pressed(ClientOp::Write)} onclick={toggle(ClientOp::Write)}
                        title="A client writes a value to a register through this node">{ "Write…" }</button>
                <button type="button" aria-pressed={pressed(ClientOp::Read)} onclick={toggle(ClientOp::Read)}
                        title="A client reads a register through this node">{ "Read…" }</button>
            </div>
            { for form }
        </div>
    }
}

/// Props of [`LinkMenu`].
#[derive(Properties, Clone, PartialEq)]
pub struct LinkMenuProps {
    /// The lower node id.
    pub a: NodeId,
    /// The higher node id.
    pub b: NodeId,
    /// `a → b` passes messages.
    pub ab_up: bool,
    /// `b → a` passes messages.
    pub ba_up: bool,
    /// Where the menu sits (CSS).
    pub style: AttrValue,
    /// Focus the first button.
    pub autofocus: bool,
    /// Where intents go.
    pub on_action: Callback<UiAction>,
}

/// A link's actions: cut it both ways or one way, or repair what is cut.
#[function_component(LinkMenu)]
pub fn link_menu(props: &LinkMenuProps) -> Html {
    let menu = use_node_ref();
    use_autofocus(
        menu.clone(),
        props.a as u64 * 1_000 + props.b as u64,
        props.autofocus,
    );
    let (a, b) = (props.a, props.b);
    let on_action = &props.on_action;
    let both = |cut: bool, label: &str| {
        let on_action = on_action.clone();
        let onclick = Callback::from(move |_: MouseEvent| {
            for (from, to) in [(a, b), (b, a)] {
                on_action.emit(UiAction::Act(if cut {
                    Action::Cut { from, to }
                } else {
                    Action::Repair { from, to }
                }));
            }
        });
        let class = if cut { "menu-danger" } else { "menu-primary" };
        html! { <button type="button" {class} {onclick}>{ label.to_string() }</button> }
    };
    let one = |from: NodeId, to: NodeId, cut: bool| {
        if cut {
            act_button(
                on_action,
                format!("Cut S{from} → S{to} only"),
                Action::Cut { from, to },
                "",
            )
        } else {
            act_button(
                on_action,
                format!("Repair S{from} → S{to}"),
                Action::Repair { from, to },
                "",
            )
        }
    };
    let (state, buttons) = match (props.ab_up, props.ba_up) {
        (true, true) => (
            "working both ways".to_string(),
            html! { <>{ both(true, "Cut both ways") }{ one(a, b, true) }{ one(b, a, true) }</> },
        ),
        (false, false) => (
            "cut both ways".to_string(),
            html! { <>{ both(false, "Repair both ways") }{ one(a, b, false) }{ one(b, a, false) }</> },
        ),
        (false, true) => (
            format!("S{a} → S{b} cut"),
            html! { <>{ one(a, b, false) }{ act_button(on_action, format!("Cut S{b} → S{a} too"), Action::Cut { from: b, to: a }, "menu-danger") }</> },
        ),
        (true, false) => (
            format!("S{b} → S{a} cut"),
            html! { <>{ one(b, a, false) }{ act_button(on_action, format!("Cut S{a} → S{b} too"), Action::Cut { from: a, to: b }, "menu-danger") }</> },
        ),
    };
    html! {
        <div ref={menu} class="cluster-menu" role="dialog" aria-label={format!("Link S{a}–S{b} actions")}
             style={props.style.clone()} onkeydown={menu_keydown(on_action.clone(), None)}>
            <div class="menu-head">
                <span class="menu-title">{ format!("S{a} ↔ S{b}") }</span>
                <span class="menu-sub">{ state }</span>
                { close_button(on_action) }
            </div>
            <div class="menu-actions menu-column">{ buttons }</div>
        </div>
    }
}

/// Props of [`MessageMenu`].
#[derive(Properties, Clone, PartialEq)]
pub struct MessageMenuProps {
    /// Message id.
    pub id: MessageId,
    /// Sender.
    pub from: NodeId,
    /// Receiver.
    pub to: NodeId,
    /// What it is, in a sentence.
    pub text: AttrValue,
    /// Its type's name.
    pub kind: &'static str,
    /// Sent at.
    pub sent_at: Time,
    /// Arrives at (none: waits for the user).
    pub arrives_at: Option<Time>,
    /// The network delivers only when told (offer "Deliver").
    pub manual: bool,
    /// Its link is cut in its direction now.
    pub doomed: bool,
    /// Where the menu sits (CSS).
    pub style: AttrValue,
    /// Focus the first button.
    pub autofocus: bool,
    /// Where intents go.
    pub on_action: Callback<UiAction>,
}

/// A message's details, with "Drop" and, when the network waits for the user, "Deliver".
#[function_component(MessageMenu)]
pub fn message_menu(props: &MessageMenuProps) -> Html {
    let menu = use_node_ref();
    use_autofocus(menu.clone(), props.id, props.autofocus);
    let id = props.id;
    let on_action = &props.on_action;
    let arrives = match props.arrives_at {
        Some(t) => format_ms(t),
        None => "when you deliver it".to_string(),
    };
    html! {
        <div ref={menu} class="cluster-menu" role="dialog" aria-label={format!("Message #{id}")}
             style={props.style.clone()} onkeydown={menu_keydown(on_action.clone(), None)}>
            <div class="menu-head">
                <span class="menu-title">{ format!("#{id} {}", props.kind) }</span>
                <span class="menu-sub">{ format!("S{} → S{}", props.from, props.to) }</span>
                { close_button(on_action) }
            </div>
            <p class="menu-detail">{ &props.text }</p>
            <dl class="menu-facts">
                <dt>{ "Sent" }</dt><dd>{ format_ms(props.sent_at) }</dd>
                <dt>{ "Arrives" }</dt><dd>{ arrives }</dd>
            </dl>
            if props.doomed {
                <p class="menu-note">
                    { format!("The link S{} → S{} is cut: unless it is repaired first, this message is lost.", props.from, props.to) }
                </p>
            }
            <div class="menu-actions">
                if props.manual {
                    { act_button(on_action, "Deliver".into(), Action::Deliver { message: id }, "menu-primary") }
                }
                { act_button(on_action, "Drop".into(), Action::Drop { message: id }, "menu-danger") }
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::client_choices;
    use crate::check::{Call, Operation, Outcome, Read};

    fn read(client: u64) -> Operation {
        Operation {
            client,
            node: Some(1),
            call: Call::Read {
                key: "x".into(),
                read: Read::Unknown,
            },
            invoke: 0,
            complete: None,
            outcome: Outcome::Info,
            source: None,
        }
    }

    #[test]
    fn the_menu_offers_every_client_used_and_one_more_with_their_next_values() {
        let none = client_choices(&[], 0);
        assert_eq!(none, ["1.1", "2.1", "3.1"]);
        let used = client_choices(&[read(1), read(4), read(1)], 3);
        assert_eq!(used, ["1.3", "2.1", "3.1", "4.2", "5.1"]);
        let many: Vec<Operation> = (1..=30).map(read).collect();
        assert_eq!(client_choices(&many, 0).len(), 20);
    }
}
