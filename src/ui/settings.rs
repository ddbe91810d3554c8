//! The Settings tab: the scenario's cluster and network, its protocol's settings (a form
//! built from the protocol's form spec), and "Break the protocol", its deliberate bugs.
//!
//! Changing a field restarts the run from time 0 with a new scenario built from the loaded
//! one (its own script, not the user's actions). The form keeps a draft of every field as
//! typed ([`draft`]); a change is applied on the input's `change` event (not on every
//! keystroke, so typing "120" restarts once), and only when the whole draft passes the
//! engine's own scenario validation. A field that does not shows its error beside it and
//! nothing restarts until it is fixed.

mod draft;

use yew::prelude::*;

pub use draft::percent_text;
use draft::{
    build, restart_notice, setting_id, ClientsDraft, Draft, Edit, Field, FieldError, Part,
    SettingDraft, Spot,
};

use super::state::UiAction;
use super::ViewProps;
use crate::check::catalog;
use crate::protocols::spec::{FieldKind, FormField, MutationSpec};
use crate::scenario::clients::MAX_KEYS;
use crate::scenario::{limits, presets, Scenario};
use crate::sim::client::MAX_CLIENTS;
use crate::sim::NetworkMode;

/// The Settings tab.
#[function_component(SettingsView)]
pub fn settings_view(props: &ViewProps) -> Html {
    let lab = &props.lab;
    let base = lab.scenario().clone();
    let spec = base.protocol;
    let order: Vec<&'static str> = spec.mutations.iter().map(|m| m.name).collect();
    // The draft lives in a cell rather than a state handle: two `change` events can
    // arrive before the next render (a field left by clicking a checkbox), and each must
    // build on the other's edit, not on the draft of the last render. Setting `errors`
    // (always, even to the same value) is what re-renders.
    let draft = use_mut_ref(|| Draft::from_scenario(&base));
    let errors = use_state(Vec::<FieldError>::new);

    // A new scenario (a preset, a file, a reset, or this form's own restart) refills the
    // form and clears its errors.
    {
        let draft = draft.clone();
        let errors = errors.clone();
        use_effect_with(base.clone(), move |s| {
            *draft.borrow_mut() = Draft::from_scenario(s);
            errors.set(Vec::new());
        });
    }

    let on_edit = {
        let draft = draft.clone();
        let errors = errors.clone();
        let on_action = props.on_action.clone();
        let base = base.clone();
        // The user's own actions so far: the world's script is the scenario's plus theirs.
        let user_actions = lab
            .world()
            .script()
            .len()
            .saturating_sub(lab.scenario().script.len());
        Callback::from(move |edit: Edit| {
            let next = draft.borrow().with(edit, &order);
            *draft.borrow_mut() = next.clone();
            match build(&base, &next) {
                Ok(None) => errors.set(Vec::new()),
                Ok(Some(built)) => {
                    errors.set(Vec::new());
                    let notice = restart_notice(built.scenario.nodes, &built.dropped, user_actions);
                    on_action.emit(UiAction::Restart(built.scenario));
                    // After the restart, which clears any notice.
                    if let Some((tone, text)) = notice {
                        on_action.emit(UiAction::Notify(tone, text));
                    }
                }
                Err(found) => errors.set(found),
            }
        })
    };

    let default = Scenario::default_for(spec.0);
    let reset = {
        let on_action = props.on_action.clone();
        let draft = draft.clone();
        let errors = errors.clone();
        let default = default.clone();
        Callback::from(move |_: MouseEvent| {
            // Refilled here as well: if the scenario already is the default, the restart
            // leaves it equal and the refill effect above does not run.
            *draft.borrow_mut() = Draft::from_scenario(&default);
            errors.set(Vec::new());
            on_action.emit(UiAction::Restart(default.clone()));
        })
    };
    let can_reset = base != default || !errors.is_empty();
    let next_seed = {
        let on_edit = on_edit.clone();
        let seed = base.seed;
        Callback::from(move |_: MouseEvent| {
            on_edit.emit(Edit::Text(Field::Seed, seed.wrapping_add(1).to_string()))
        })
    };

    let d = &draft.borrow().clone();
    let errs = &*errors;
    let form_errors: Vec<&FieldError> = errs.iter().filter(|e| e.spot == Spot::Form).collect();
    let status = if errs.is_empty() {
        html! {}
    } else {
        html! {
            <p class="settings-status-error">
                <span aria-hidden="true">{ "⚠ " }</span>
                { "Not applied: fix the marked field to restart with the new settings." }
            </p>
        }
    };
    let warnings = (spec.warnings)(&d.lenient_block(&base));
    let auto_only = (d.mode == NetworkMode::Manual)
        .then_some("Used in automatic delivery only; in manual delivery you decide.");

    let number = |field, label, value, attrs, hint| {
        envelope_number(field, label, value, attrs, hint, errs, &on_edit)
    };
    let protocol_fields = spec.form.iter().map(|f| {
        let warning = warnings
            .iter()
            .find(|(k, _)| *k == f.key)
            .map(|(_, w)| w.as_str());
        setting_field(f, d.settings.get(f.key), warning, errs, &on_edit)
    });
    let show_me = |m: &MutationSpec| {
        let preset = m.preset.and_then(presets::get).and_then(Result::ok);
        preset.map(|s| {
            props
                .on_action
                .reform(move |_: MouseEvent| UiAction::Restart(s.clone()))
        })
    };

    html! {
        <form class="settings" novalidate=true aria-label="Scenario settings"
              onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())}>
            <p class="settings-lead">
                { "Changing a setting restarts the run from 0 ms with the scenario's own script." }
            </p>
            <div class="settings-status" role="status" aria-live="polite">{ status }</div>
            if !form_errors.is_empty() {
                <p class="field-error" id={Spot::Form.error_id()}>
                    <span aria-hidden="true">{ "⚠ " }</span>
                    { for form_errors.iter().map(|e| e.message.clone()) }
                </p>
            }

            <fieldset class="settings-group">
                <legend>{ "Cluster" }</legend>
                { number(Field::Nodes, "Nodes", &d.nodes,
                         NumAttrs::int(1, u64::from(spec.max_nodes)).unit(if spec.max_nodes == 9 { "1 to 9" } else { "nodes" }), None) }
                { seed_field(&d.seed, errs, &on_edit, next_seed) }
            </fieldset>

            <fieldset class="settings-group">
                <legend>{ "Network" }</legend>
                <fieldset class="settings-choice">
                    <legend>{ "Delivery" }</legend>
                    { mode_radio(NetworkMode::Auto, "Automatic",
                                 "messages arrive after a random latency, unless lost",
                                 d.mode, &on_edit) }
                    { mode_radio(NetworkMode::Manual, "Manual",
                                 "messages wait in flight until you deliver or drop each one",
                                 d.mode, &on_edit) }
                </fieldset>
                { range_pair(Spot::Latency, "Latency",
                             (Spot::Field(Field::LatencyMin), Field::LatencyMin.id(), &d.latency_min),
                             (Spot::Field(Field::LatencyMax), Field::LatencyMax.id(), &d.latency_max),
                             NumAttrs::int(0, limits::MAX_LATENCY_MS), false, auto_only, errs,
                             text_edit(Field::LatencyMin, &on_edit), text_edit(Field::LatencyMax, &on_edit)) }
                { number(Field::Loss, "Loss", &d.loss_pct, NumAttrs::percent(), auto_only) }
                { number(Field::Duplicate, "Duplication", &d.duplicate_pct, NumAttrs::percent(), auto_only) }
            </fieldset>

            if !spec.form.is_empty() {
                <fieldset class="settings-group">
                    <legend>{ spec.title }</legend>
                    { for protocol_fields }
                </fieldset>
            }

            if spec.serves_clients {
                { clients_group(&d.clients, errs, &on_edit) }
            }

            if !spec.mutations.is_empty() {
                <fieldset class="settings-group settings-break">
                    <legend>
                        <span aria-hidden="true">{ "⚠ " }</span>{ "Break the protocol" }
                    </legend>
                    <p class="settings-break-lead">
                        { format!("Each switch removes one rule of {} on purpose, so you can watch what \
                                   it protects. The invariants above say when something breaks.", spec.title) }
                    </p>
                    { for spec.mutations.iter().map(|m| mutation_checkbox(m, d.mutations.contains(&m.name), show_me(m), &on_edit)) }
                </fieldset>
            }

            <div class="settings-actions">
                <button type="button" onclick={reset} disabled={!can_reset}
                        title={format!("Restart with the default {} scenario", spec.title)}>
                    { "Reset to defaults" }
                </button>
            </div>
        </form>
    }
}

/// The "Clients" group: the clients' timeout, the workload and the models checked as
/// invariants (the envelope's `clients` block and `check` list).
fn clients_group(c: &ClientsDraft, errs: &[FieldError], on_edit: &Callback<Edit>) -> Html {
    let number = |field, label, value, attrs, hint| {
        envelope_number(field, label, value, attrs, hint, errs, on_edit)
    };
    let off = !c.workload;
    let workload_hint =
        off.then_some("Off: only the reads and writes you send from a node's menu.");
    let fields = html! {
        <div class={classes!("settings-workload", off.then_some("is-off"))}>
            { number(Field::WorkloadClients, "Clients", &c.clients,
                     NumAttrs::int(1, u64::from(MAX_CLIENTS)).unit("clients"), workload_hint) }
            { number(Field::WorkloadKeys, "Keys", &c.keys,
                     NumAttrs::int(1, u64::from(MAX_KEYS)).unit("registers"),
                     Some("Registers x, y, z, then k4, k5, …")) }
            { range_pair(Spot::Think, "Think time",
                         (Spot::Field(Field::ThinkMin), Field::ThinkMin.id(), &c.think_min),
                         (Spot::Field(Field::ThinkMax), Field::ThinkMax.id(), &c.think_max),
                         NumAttrs::int(1, limits::MAX_TIMER_MS), off,
                         Some("How long a client waits between one operation's end and its next."), errs,
                         text_edit(Field::ThinkMin, on_edit), text_edit(Field::ThinkMax, on_edit)) }
            { number(Field::Reads, "Reads", &c.reads_pct, NumAttrs::percent(),
                     Some("The share of operations that are reads; the rest write fresh values.")) }
        </div>
    };
    let models = catalog::MODELS.iter().map(|m| {
        let name = m.name;
        checkbox(
            &format!("set-check-{name}"),
            m.title,
            m.rule,
            c.check.contains(&name),
            &on_edit.reform(move |on| Edit::Check(name, on)),
        )
    });
    html! {
        <fieldset class="settings-group settings-clients">
            <legend>{ "Clients" }</legend>
            { number(Field::ClientTimeout, "Client timeout", &c.timeout_ms,
                     NumAttrs::int(1, limits::MAX_TIMER_MS),
                     Some("A client gives up after this long; the outcome is then unknown.")) }
            { checkbox("set-workload", "Workload", "Clients read and write by themselves.",
                       c.workload, &on_edit.reform(Edit::Workload)) }
            { fields }
            <fieldset class="settings-choice settings-check-list">
                <legend>{ "Check as invariants" }</legend>
                <p class="settings-hint">
                    { "Each model ticked is checked after every completed operation; the run \
                       marks the moment it became impossible. The Consistency tab shows them all." }
                </p>
                { for models }
            </fieldset>
        </fieldset>
    }
}

/// A number input for envelope field `field`, with its errors and its edits.
fn envelope_number(
    field: Field,
    label: &str,
    value: &str,
    attrs: NumAttrs,
    hint: Option<&str>,
    errs: &[FieldError],
    on_edit: &Callback<Edit>,
) -> Html {
    number_field(
        Spot::Field(field),
        field.id(),
        label,
        value,
        attrs,
        hint,
        errs,
        &text_edit(field, on_edit),
    )
}

/// The edit an envelope text input makes.
fn text_edit(field: Field, on_edit: &Callback<Edit>) -> Callback<String> {
    on_edit.reform(move |text| Edit::Text(field, text))
}

/// One of the protocol's settings, as its form spec describes it.
fn setting_field(
    f: &FormField,
    draft: Option<&SettingDraft>,
    warning: Option<&str>,
    errors: &[FieldError],
    on_edit: &Callback<Edit>,
) -> Html {
    let key = f.key;
    match (f.kind, draft) {
        (FieldKind::Millis { min, max }, Some(SettingDraft::Millis(value))) => {
            let hint = warning.or(Some(f.help));
            let id = setting_id(key, Part::Whole);
            number_field(
                Spot::Setting(key, Part::Whole),
                &id,
                f.label,
                value,
                NumAttrs::int(min, max).unit("ms"),
                hint,
                errors,
                &on_edit.reform(move |text| Edit::Setting(key, Part::Whole, text)),
            )
        }
        (FieldKind::Toggle, Some(SettingDraft::Toggle(on))) => checkbox(
            &setting_id(key, Part::Whole),
            f.label,
            f.help,
            *on,
            &on_edit.reform(move |on| Edit::Switch(key, on)),
        ),
        (
            FieldKind::MillisRange { min, max, off },
            Some(SettingDraft::Range {
                off: is_off,
                lo,
                hi,
            }),
        ) => {
            let off_box = off.map(|label| {
                checkbox(
                    &format!("{}-off", setting_id(key, Part::Whole)),
                    label,
                    f.help,
                    *is_off,
                    &on_edit.reform(move |on| Edit::Switch(key, on)),
                )
            });
            let hint = if *is_off {
                off.map(|l| format!("Off: {}.", l.to_lowercase()))
            } else {
                warning
                    .map(str::to_string)
                    .or(off.is_none().then(|| f.help.to_string()))
            };
            html! {
                <>
                    { for off_box }
                    { range_pair(Spot::Setting(key, Part::Whole), f.label,
                                 (Spot::Setting(key, Part::Min), &setting_id(key, Part::Min), lo),
                                 (Spot::Setting(key, Part::Max), &setting_id(key, Part::Max), hi),
                                 NumAttrs::int(min, max), *is_off, hint.as_deref(), errors,
                                 on_edit.reform(move |t| Edit::Setting(key, Part::Min, t)),
                                 on_edit.reform(move |t| Edit::Setting(key, Part::Max, t))) }
                </>
            }
        }
        _ => html! {},
    }
}

/// An `<input type="number">`'s limits and the words after it.
#[derive(Clone, Copy)]
struct NumAttrs {
    min: u64,
    max: u64,
    step: &'static str,
    unit: &'static str,
}

impl NumAttrs {
    fn int(min: u64, max: u64) -> Self {
        NumAttrs {
            min,
            max,
            step: "1",
            unit: "ms",
        }
    }

    fn percent() -> Self {
        NumAttrs {
            min: 0,
            max: 100,
            step: "any",
            unit: "%",
        }
    }

    fn unit(self, unit: &'static str) -> Self {
        NumAttrs { unit, ..self }
    }
}

/// The ids an input's `aria-describedby` lists: its hint and its error, if shown.
fn described_by(ids: &[Option<String>]) -> Option<AttrValue> {
    let ids: Vec<&str> = ids.iter().flatten().map(String::as_str).collect();
    (!ids.is_empty()).then(|| AttrValue::from(ids.join(" ")))
}

/// The error for a spot, if any.
fn error_at(errors: &[FieldError], spot: Spot) -> Option<&FieldError> {
    errors.iter().find(|e| e.spot == spot)
}

fn error_line(spot: Spot, error: Option<&FieldError>) -> Html {
    match error {
        Some(e) => html! {
            <p class="field-error" id={spot.error_id()}>
                <span aria-hidden="true">{ "⚠ " }</span>{ &e.message }
            </p>
        },
        None => html! {},
    }
}

/// Reads an input's value on `change` and hands it on as text.
fn on_text_change(on_text: &Callback<String>) -> Callback<Event> {
    on_text.reform(move |e: Event| {
        let input: web_sys::HtmlInputElement = e.target_unchecked_into();
        input.value()
    })
}

/// A number input with its label, unit, error and hint.
#[allow(clippy::too_many_arguments)]
fn number_field(
    spot: Spot,
    id: &str,
    label: &str,
    value: &str,
    attrs: NumAttrs,
    hint: Option<&str>,
    errors: &[FieldError],
    on_text: &Callback<String>,
) -> Html {
    let error = error_at(errors, spot);
    let hint_id = hint.map(|_| format!("{id}-hint"));
    let error_id = error.map(|_| spot.error_id());
    html! {
        <div class={classes!("settings-field", error.is_some().then_some("has-error"))}>
            <label for={id.to_string()}>{ label }</label>
            <span class="settings-input">
                <input type="number" id={id.to_string()} value={value.to_string()}
                       min={attrs.min.to_string()} max={attrs.max.to_string()} step={attrs.step}
                       inputmode={if attrs.step == "1" { "numeric" } else { "decimal" }}
                       aria-invalid={error.is_some().then_some("true")}
                       aria-describedby={described_by(&[error_id, hint_id.clone()])}
                       onchange={on_text_change(on_text)} />
                <span class="settings-unit" aria-hidden="true">{ attrs.unit }</span>
            </span>
            { error_line(spot, error) }
            if let (Some(id), Some(hint)) = (hint_id, hint) {
                <p class="settings-hint" {id}>{ hint }</p>
            }
        </div>
    }
}

/// The seed: a text field (a 64-bit seed does not fit a JavaScript number), with a
/// button that tries the next one.
fn seed_field(
    value: &str,
    errors: &[FieldError],
    on_edit: &Callback<Edit>,
    next_seed: Callback<MouseEvent>,
) -> Html {
    let field = Field::Seed;
    let spot = Spot::Field(field);
    let error = error_at(errors, spot);
    let hint_id = format!("{}-hint", field.id());
    let error_id = error.map(|_| spot.error_id());
    html! {
        <div class={classes!("settings-field", error.is_some().then_some("has-error"))}>
            <label for={field.id()}>{ "Seed" }</label>
            <span class="settings-input">
                <input type="text" id={field.id()} value={value.to_string()}
                       inputmode="numeric" autocomplete="off" spellcheck="false"
                       aria-invalid={error.is_some().then_some("true")}
                       aria-describedby={described_by(&[error_id, Some(hint_id.clone())])}
                       onchange={on_text_change(&text_edit(field, on_edit))} />
                <button type="button" class="settings-small-button" onclick={next_seed}
                        title="Restart with the next seed: same settings, different luck">
                    { "Next seed" }
                </button>
            </span>
            { error_line(spot, error) }
            <p class="settings-hint" id={hint_id}>
                { "Every random draw (latency, loss, timeouts) follows from it: \
                   the same seed replays the same run." }
            </p>
        </div>
    }
}

/// A min–max pair of millisecond fields, grouped under one name: each end is
/// (its error spot, its input id, its text).
#[allow(clippy::too_many_arguments)]
fn range_pair(
    spot: Spot,
    label: &str,
    (min_spot, min_id, min): (Spot, &str, &str),
    (max_spot, max_id, max): (Spot, &str, &str),
    attrs: NumAttrs,
    disabled: bool,
    hint: Option<&str>,
    errors: &[FieldError],
    on_min: Callback<String>,
    on_max: Callback<String>,
) -> Html {
    let range_error = error_at(errors, spot);
    let hint_id = hint.map(|_| format!("{min_id}-hint"));
    let input = |end: Spot, id: &str, value: &str, word: &str, on_text: &Callback<String>| {
        let error = error_at(errors, end).or(range_error);
        let error_id = error.map(|e| e.spot.error_id());
        html! {
            <span class="settings-range-end">
                <label for={id.to_string()}>
                    <span class="settings-range-word">{ word }</span>
                    <span class="visually-hidden">{ format!(" {}", label.to_lowercase()) }</span>
                </label>
                <input type="number" id={id.to_string()} value={value.to_string()}
                       min={attrs.min.to_string()} max={attrs.max.to_string()} step={attrs.step}
                       inputmode="numeric" {disabled}
                       aria-invalid={error.is_some().then_some("true")}
                       aria-describedby={described_by(&[error_id, hint_id.clone()])}
                       onchange={on_text_change(on_text)} />
            </span>
        }
    };
    let any_error = range_error.is_some()
        || error_at(errors, min_spot).is_some()
        || error_at(errors, max_spot).is_some();
    html! {
        <fieldset class={classes!("settings-range", any_error.then_some("has-error"))}>
            <legend>{ label }<span class="settings-unit">{ " (ms)" }</span></legend>
            <div class="settings-range-row">
                { input(min_spot, min_id, min, "min", &on_min) }
                <span class="settings-range-dash" aria-hidden="true">{ "–" }</span>
                { input(max_spot, max_id, max, "max", &on_max) }
            </div>
            { error_line(min_spot, error_at(errors, min_spot)) }
            { error_line(max_spot, error_at(errors, max_spot)) }
            { error_line(spot, range_error) }
            if let (Some(id), Some(hint)) = (hint_id, hint) {
                <p class="settings-hint" {id}>{ hint }</p>
            }
        </fieldset>
    }
}

fn mode_radio(
    mode: NetworkMode,
    label: &str,
    description: &str,
    current: NetworkMode,
    on_edit: &Callback<Edit>,
) -> Html {
    let id = format!("set-mode-{}", mode.name());
    let onchange = on_edit.reform(move |_: Event| Edit::Mode(mode));
    html! {
        <div class="settings-check">
            <input type="radio" id={id.clone()} name="set-mode" value={mode.name()}
                   checked={current == mode} {onchange} />
            <label for={id}>
                <span class="settings-check-name">{ label }</span>
                <span class="settings-check-text">{ description }</span>
            </label>
        </div>
    }
}

fn checkbox(
    id: &str,
    label: &str,
    description: &str,
    checked: bool,
    on_switch: &Callback<bool>,
) -> Html {
    let onchange = on_switch.reform(move |e: Event| {
        let input: web_sys::HtmlInputElement = e.target_unchecked_into();
        input.checked()
    });
    html! {
        <div class="settings-check">
            <input type="checkbox" id={id.to_string()} {checked} {onchange} />
            <label for={id.to_string()}>
                <span class="settings-check-name">{ label }</span>
                <span class="settings-check-text">{ description }</span>
            </label>
        </div>
    }
}

/// A mutation's switch: its name, the rule it removes, what breaks, and a button that
/// opens the preset showing it.
fn mutation_checkbox(
    m: &'static MutationSpec,
    checked: bool,
    show_me: Option<Callback<MouseEvent>>,
    on_edit: &Callback<Edit>,
) -> Html {
    let id = format!("set-mutation-{}", m.name);
    let name = m.name;
    let onchange = on_edit.reform(move |e: Event| {
        let input: web_sys::HtmlInputElement = e.target_unchecked_into();
        Edit::Mutation(name, input.checked())
    });
    html! {
        <div class={classes!("settings-check", "settings-mutation", checked.then_some("is-on"))}>
            <input type="checkbox" id={id.clone()} {checked} {onchange} />
            <label for={id}>
                <code class="settings-check-name">{ m.name }</code>
                <span class="settings-check-text">{ m.removes }</span>
                <span class="settings-check-text settings-breaks">{ m.breaks }</span>
            </label>
            if let Some(onclick) = show_me {
                <button type="button" class="settings-small-button settings-show-me" {onclick}
                        title="Open the preset that shows what this mutation breaks">
                    { "Show me" }
                </button>
            }
        </div>
    }
}
