//! The bar above the cluster: which scenario runs (a picker of every protocol's default
//! and presets), its title and notes, and a warning while a rule of the protocol is
//! switched off on purpose.

use std::rc::Rc;

use yew::prelude::*;

use super::state::UiAction;
use super::ViewProps;
use crate::protocols::spec::{Fact, FieldKind, Spec};
use crate::protocols::PROTOCOLS;
use crate::scenario::presets::{self, Preset};
use crate::scenario::Scenario;
use crate::sim::NetworkMode;

/// The picker's value for a protocol's default scenario: this prefix and its name.
const DEFAULT_PREFIX: &str = "default:";
/// The picker's value for a scenario that is neither a preset nor a default.
const CURRENT_VALUE: &str = "current";

/// What the picker shows as chosen for `scenario`: a preset's id, a protocol's default,
/// or the current scenario's own entry.
pub(crate) fn picker_value(scenario: &Scenario, presets: &[Preset]) -> String {
    if *scenario == Scenario::default_for(scenario.protocol.0) {
        return format!("{DEFAULT_PREFIX}{}", scenario.protocol.name);
    }
    presets
        .iter()
        .find(|p| p.scenario == *scenario)
        .map_or(CURRENT_VALUE.to_string(), |p| p.id.to_string())
}

/// The scenario a picker value stands for (`None` for the current one: nothing to load).
pub(crate) fn picked(value: &str, presets: &[Preset]) -> Option<Scenario> {
    if let Some(name) = value.strip_prefix(DEFAULT_PREFIX) {
        return crate::protocols::find(name).map(Scenario::default_for);
    }
    presets
        .iter()
        .find(|p| p.id == value)
        .map(|p| p.scenario.clone())
}

/// A protocol setting as the summary line says it, if it says it now: "election timeout
/// 150–300 ms", "manual elections", "pre-vote".
pub(crate) fn setting_fact(spec: &Spec, key: &str, value: &serde_json::Value) -> Option<String> {
    let field = spec.form.iter().find(|f| f.key == key)?;
    let label = field.label.to_lowercase();
    match (field.fact, field.kind) {
        (Fact::Never, _) => None,
        (_, FieldKind::Toggle) => value.as_bool().filter(|on| *on).map(|_| label),
        (Fact::WhenOn, _) => None,
        (Fact::Always, FieldKind::Millis { .. }) => {
            value.as_u64().map(|v| format!("{label} {v} ms"))
        }
        (Fact::Always, FieldKind::MillisRange { off, .. }) => match value.as_array() {
            Some(pair) => {
                let lo = pair.first()?.as_u64()?;
                let hi = pair.get(1)?.as_u64()?;
                Some(if lo == hi {
                    format!("{label} {lo} ms")
                } else {
                    format!("{label} {lo}–{hi} ms")
                })
            }
            None => off.map(str::to_lowercase),
        },
    }
}

/// The settings a student should know about, in a few words each: "5 nodes",
/// "latency 10–30 ms", "pre-vote"…
pub(crate) fn facts(s: &Scenario) -> Vec<String> {
    let mut out = vec![
        format!("{} node{}", s.nodes, if s.nodes == 1 { "" } else { "s" }),
        format!("seed {}", s.seed),
    ];
    match s.network.mode {
        NetworkMode::Manual => out.push("manual delivery".to_string()),
        NetworkMode::Auto => {
            let (lo, hi) = s.network.latency_ms;
            out.push(if lo == hi {
                format!("latency {lo} ms")
            } else {
                format!("latency {lo}–{hi} ms")
            });
            if s.network.loss > 0.0 {
                out.push(format!(
                    "{}% loss",
                    super::settings::percent_text(s.network.loss)
                ));
            }
            if s.network.duplicate > 0.0 {
                out.push(format!(
                    "{}% duplication",
                    super::settings::percent_text(s.network.duplicate)
                ));
            }
        }
    }
    for field in s.protocol.form {
        if let Some(fact) = s
            .settings
            .get(field.key)
            .and_then(|v| setting_fact(&s.protocol, field.key, v))
        {
            out.push(fact);
        }
    }
    out
}

/// The mutations switched on in a scenario, as its spec describes them.
pub(crate) fn mutations_on(s: &Scenario) -> Vec<&'static crate::protocols::spec::MutationSpec> {
    s.settings
        .get("mutations")
        .and_then(|v| v.as_array())
        .map(|names| {
            names
                .iter()
                .filter_map(|n| n.as_str().and_then(|n| s.protocol.mutation(n)))
                .collect()
        })
        .unwrap_or_default()
}

/// The notes as paragraphs (one per non-empty line).
pub(crate) fn paragraphs(notes: &str) -> Vec<&str> {
    notes
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect()
}

/// The scenario bar above the cluster.
#[function_component(ScenarioIntro)]
pub fn scenario_intro(props: &ViewProps) -> Html {
    // Parsing the presets is not free and the page renders every frame: once is enough.
    let presets: Rc<Vec<Preset>> = use_memo((), |_| presets::all());
    let scenario = props.lab.scenario();
    let value = use_memo(scenario.clone(), |s| picker_value(s, &presets));
    let value = (*value).clone();

    // The chosen option is set as the `<select>`'s value property: an option's `selected`
    // attribute stops counting once the user has picked something.
    let select_ref = use_node_ref();
    {
        let select_ref = select_ref.clone();
        use_effect_with(value.clone(), move |value| {
            if let Some(select) = select_ref.cast::<web_sys::HtmlSelectElement>() {
                select.set_value(value);
            }
        });
    }
    let on_pick = {
        let presets = presets.clone();
        let on_action = props.on_action.clone();
        Callback::from(move |e: Event| {
            let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
            if let Some(s) = picked(&select.value(), &presets) {
                on_action.emit(UiAction::Restart(s));
            }
        })
    };

    let gallery_open = use_state(|| false);
    let open_gallery = {
        let gallery_open = gallery_open.clone();
        Callback::from(move |_: MouseEvent| gallery_open.set(true))
    };
    let close_gallery = {
        let gallery_open = gallery_open.clone();
        Callback::from(move |()| gallery_open.set(false))
    };
    let notes_shown = use_state(|| true);
    let notes_full = use_state(|| false);
    // Whether the clamped notes hide anything, measured after rendering (the answer
    // depends on the width), so "Read more" only appears when there is more.
    let notes_overflow = use_state(|| false);
    let notes_ref = use_node_ref();
    {
        let notes_ref = notes_ref.clone();
        let notes_overflow = notes_overflow.clone();
        use_effect_with(
            (scenario.notes.clone(), *notes_shown, *notes_full),
            move |(_, shown, full)| {
                if *shown && !*full {
                    if let Some(el) = notes_ref.cast::<web_sys::Element>() {
                        notes_overflow.set(el.scroll_height() > el.client_height() + 1);
                    }
                }
            },
        );
    }
    // Another scenario starts with its notes in view again, clamped.
    {
        let notes_shown = notes_shown.clone();
        let notes_full = notes_full.clone();
        use_effect_with(scenario.title.clone(), move |_| {
            notes_shown.set(true);
            notes_full.set(false);
        });
    }
    let toggle_shown = {
        let notes_shown = notes_shown.clone();
        Callback::from(move |_: MouseEvent| notes_shown.set(!*notes_shown))
    };
    let toggle_full = {
        let notes_full = notes_full.clone();
        Callback::from(move |_: MouseEvent| notes_full.set(!*notes_full))
    };

    let custom_label = if scenario.title.trim().is_empty() {
        "Custom scenario".to_string()
    } else if scenario.title.ends_with(")") {
        // "… (modified)" from the settings form already says it is not the preset.
        scenario.title.clone()
    } else {
        format!("{} (custom)", scenario.title)
    };
    let paras = paragraphs(&scenario.notes);
    let has_notes = !paras.is_empty();
    let mutations = mutations_on(scenario);
    let groups = PROTOCOLS.iter().map(|spec| {
        let default_value = format!("{DEFAULT_PREFIX}{}", spec.name);
        let is_default = value == default_value;
        html! {
            <optgroup label={spec.title}>
                <option value={default_value} selected={is_default}>
                    { format!("{} (default)", spec.default_title) }
                </option>
                { for presets.iter().filter(|p| p.scenario.protocol.name == spec.name).map(|p| html! {
                    <option value={p.id} selected={value == p.id}>{ &p.scenario.title }</option>
                }) }
            </optgroup>
        }
    });

    html! {
        <section class="intro" aria-labelledby="intro-title">
            <div class="intro-bar">
                <label class="intro-picker-label" for="intro-picker">{ "Scenario" }</label>
                <select id="intro-picker" class="intro-picker" ref={select_ref} onchange={on_pick}>
                    if value == CURRENT_VALUE {
                        <option value={CURRENT_VALUE} selected=true>{ custom_label }</option>
                    }
                    { for groups }
                </select>
                <button type="button" class="intro-gallery" onclick={open_gallery}
                        aria-haspopup="dialog" title="Every preset of every protocol, with what each shows">
                    { "Gallery…" }
                </button>
                if has_notes {
                    <button type="button" class="intro-toggle" onclick={toggle_shown}
                            aria-expanded={notes_shown.to_string()} aria-controls="intro-notes">
                        { if *notes_shown { "Hide notes" } else { "Show notes" } }
                    </button>
                }
                if *notes_shown && (*notes_overflow || *notes_full) {
                    <button type="button" class="intro-more" onclick={toggle_full}
                            aria-expanded={notes_full.to_string()} aria-controls="intro-notes">
                        { if *notes_full { "Show less" } else { "Read all notes" } }
                    </button>
                }
            </div>
            <div class="intro-heading">
                <h2 class="intro-title" id="intro-title">
                    { if scenario.title.trim().is_empty() { "Untitled scenario" } else { &scenario.title } }
                </h2>
                <p class="intro-facts">
                    <span class="visually-hidden">{ "Settings: " }</span>
                    { facts(scenario).join(" · ") }
                </p>
            </div>
            if !mutations.is_empty() {
                <div class="intro-mutations">
                    <span class="intro-mutations-head">
                        <span class="intro-mutations-icon" aria-hidden="true">{ "⚠" }</span>
                        { "Protocol broken on purpose:" }
                    </span>
                    { " " }
                    <ul>
                        { for mutations.iter().map(|m| html! {
                            <li><code>{ m.name }</code>{ " — " }{ m.removes }</li>
                        }) }
                    </ul>
                </div>
            }
            if has_notes {
                <div id="intro-notes" class="intro-notes-wrap" hidden={!*notes_shown}>
                    <div ref={notes_ref}
                         class={classes!("intro-notes", (!*notes_full).then_some("is-clamped"),
                                         (!*notes_full && *notes_overflow).then_some("is-overflowing"))}>
                        { for paras.iter().map(|p| html! { <p>{ *p }</p> }) }
                    </div>
                </div>
            }
            if *gallery_open {
                <super::Gallery current={scenario.protocol.name} on_action={props.on_action.clone()}
                                on_close={close_gallery} />
            }
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_picker_knows_the_default_every_preset_and_anything_else() {
        let all = presets::all();
        for spec in PROTOCOLS {
            let default = Scenario::default_for(spec);
            let value = picker_value(&default, &all);
            assert_eq!(value, format!("default:{}", spec.name));
            assert_eq!(picked(&value, &all), Some(default));
        }
        for p in &all {
            assert_eq!(picker_value(&p.scenario, &all), p.id);
            assert_eq!(picked(p.id, &all).as_ref(), Some(&p.scenario));
        }
        let custom = Scenario {
            nodes: 3,
            ..Scenario::default()
        };
        assert_eq!(picker_value(&custom, &all), CURRENT_VALUE);
        assert_eq!(picked(CURRENT_VALUE, &all), None);
        assert_eq!(picked("default:nonsense", &all), None);
    }

    #[test]
    fn facts_say_what_matters_in_a_few_words() {
        let s = Scenario::default();
        assert_eq!(
            facts(&s),
            vec![
                "5 nodes",
                "seed 42",
                "latency 10–30 ms",
                "election timeout 150–300 ms"
            ]
        );
        let f8 = presets::get("figure-8").unwrap().unwrap();
        let f = facts(&f8);
        assert!(f.contains(&"latency 10 ms".to_string()), "{f:?}");
        assert!(f.contains(&"manual elections".to_string()), "{f:?}");
    }

    #[test]
    fn notes_split_into_paragraphs_on_lines() {
        assert_eq!(
            paragraphs("One.\n\n  Two.\nThree."),
            vec!["One.", "Two.", "Three."]
        );
        assert!(paragraphs("  \n").is_empty());
    }
}
