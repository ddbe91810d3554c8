//! The Settings tab: the scenario's cluster, network and Raft settings as a form, and
//! "Break the protocol", the deliberate bugs.
//!
//! Changing a field restarts the run from time 0 with a new scenario built from the loaded
//! one (its own script, not the user's actions). The form keeps a draft of every field as
//! typed; a change is applied on the input's `change` event (not on every keystroke, so
//! typing "120" restarts once), and only when the whole draft passes the engine's own
//! scenario validation. A field that does not shows its error beside it and nothing
//! restarts until it is fixed.

use yew::prelude::*;

use super::lab::{format_ms, Tone};
use super::state::UiAction;
use super::ViewProps;
use crate::protocols::raft::{Mutation, RaftSettings};
use crate::scenario::{defaults, limits, Scenario};
use crate::sim::{NetworkMode, NetworkSettings, ScriptEntry};

/// What a changed scenario's title gets, so a shared link does not claim to be the preset
/// it started from (the preset's notes may no longer describe what happens).
const MODIFIED: &str = " (modified)";

/// A text field of the form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Field {
    Nodes,
    Seed,
    LatencyMin,
    LatencyMax,
    Loss,
    Duplicate,
    ElectionMin,
    ElectionMax,
    Heartbeat,
}

impl Field {
    /// The input's DOM id.
    fn id(self) -> &'static str {
        match self {
            Field::Nodes => "set-nodes",
            Field::Seed => "set-seed",
            Field::LatencyMin => "set-latency-min",
            Field::LatencyMax => "set-latency-max",
            Field::Loss => "set-loss",
            Field::Duplicate => "set-duplicate",
            Field::ElectionMin => "set-election-min",
            Field::ElectionMax => "set-election-max",
            Field::Heartbeat => "set-heartbeat",
        }
    }
}

/// Where an error is shown: beside one field, beside a min–max pair, or above the form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Spot {
    /// One input.
    Field(Field),
    /// The latency range as a whole (min above max).
    Latency,
    /// The election timeout range as a whole.
    Election,
    /// Anything else the engine objects to.
    Form,
}

impl Spot {
    /// The DOM id of the element holding this spot's error message.
    fn error_id(self) -> String {
        match self {
            Spot::Field(f) => format!("{}-error", f.id()),
            Spot::Latency => "set-latency-error".to_string(),
            Spot::Election => "set-election-error".to_string(),
            Spot::Form => "set-form-error".to_string(),
        }
    }
}

/// A problem with the form: where, and what (a sentence).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct FieldError {
    pub spot: Spot,
    pub message: String,
}

impl FieldError {
    fn new(spot: Spot, message: impl Into<String>) -> Self {
        FieldError {
            spot,
            message: message.into(),
        }
    }
}

/// A checkbox of the form (besides the mutations).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Flag {
    ManualElections,
    PreVote,
    CheckQuorum,
    LeaderNoop,
}

/// One change the user made.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Edit {
    Text(Field, String),
    Mode(NetworkMode),
    Flag(Flag, bool),
    Mutation(Mutation, bool),
}

/// The form's fields as the user typed them. Numbers stay text until [`build`], so a
/// half-typed or wrong value can be shown back with its error instead of being lost.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Draft {
    pub nodes: String,
    pub seed: String,
    pub mode: NetworkMode,
    pub latency_min: String,
    pub latency_max: String,
    /// Loss as a percentage.
    pub loss_pct: String,
    /// Duplication as a percentage.
    pub duplicate_pct: String,
    /// `election_timeout_ms: null`: nodes only stand for election when told to.
    pub manual_elections: bool,
    pub election_min: String,
    pub election_max: String,
    pub heartbeat: String,
    pub pre_vote: bool,
    pub check_quorum: bool,
    pub leader_noop: bool,
    /// Sorted, without repeats (as the scenario keeps them).
    pub mutations: Vec<Mutation>,
}

impl Draft {
    /// The form filled in from a scenario.
    pub fn from_scenario(s: &Scenario) -> Draft {
        // With manual elections the range fields keep the default range, ready for when
        // the box is unticked.
        let (emin, emax) = s
            .raft
            .election_timeout_ms
            .or(defaults::ELECTION_TIMEOUT_MS)
            .unwrap_or((150, 300));
        Draft {
            nodes: s.nodes.to_string(),
            seed: s.seed.to_string(),
            mode: s.network.mode,
            latency_min: s.network.latency_ms.0.to_string(),
            latency_max: s.network.latency_ms.1.to_string(),
            loss_pct: percent_text(s.network.loss),
            duplicate_pct: percent_text(s.network.duplicate),
            manual_elections: s.raft.election_timeout_ms.is_none(),
            election_min: emin.to_string(),
            election_max: emax.to_string(),
            heartbeat: s.raft.heartbeat_ms.to_string(),
            pre_vote: s.raft.pre_vote,
            check_quorum: s.raft.check_quorum,
            leader_noop: s.raft.leader_noop,
            mutations: s.raft.mutations.clone(),
        }
    }

    /// The draft with one change made.
    pub fn with(&self, edit: Edit) -> Draft {
        let mut d = self.clone();
        match edit {
            Edit::Text(field, text) => {
                let slot = match field {
                    Field::Nodes => &mut d.nodes,
                    Field::Seed => &mut d.seed,
                    Field::LatencyMin => &mut d.latency_min,
                    Field::LatencyMax => &mut d.latency_max,
                    Field::Loss => &mut d.loss_pct,
                    Field::Duplicate => &mut d.duplicate_pct,
                    Field::ElectionMin => &mut d.election_min,
                    Field::ElectionMax => &mut d.election_max,
                    Field::Heartbeat => &mut d.heartbeat,
                };
                *slot = text;
            }
            Edit::Mode(mode) => d.mode = mode,
            Edit::Flag(flag, on) => match flag {
                Flag::ManualElections => d.manual_elections = on,
                Flag::PreVote => d.pre_vote = on,
                Flag::CheckQuorum => d.check_quorum = on,
                Flag::LeaderNoop => d.leader_noop = on,
            },
            Edit::Mutation(m, on) => {
                d.mutations.retain(|x| *x != m);
                if on {
                    d.mutations.push(m);
                    d.mutations.sort();
                }
            }
        }
        d
    }
}

/// A probability as the form shows it: a percentage with at most four decimals.
pub(crate) fn percent_text(p: f64) -> String {
    let text = format!("{:.4}", p * 100.0);
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text.is_empty() || text == "-0" {
        "0".to_string()
    } else {
        text.to_string()
    }
}

/// What a valid draft turns into.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Built {
    /// The new scenario to restart with.
    pub scenario: Scenario,
    /// Script entries left out because they name nodes the smaller cluster lacks.
    pub dropped: Vec<ScriptEntry>,
}

/// Builds the scenario the form describes, from the loaded `base` (its title, notes and
/// script). `Ok(None)`: the draft describes `base` itself, nothing to restart. `Err`: every
/// problem found, each with where to show it.
pub(crate) fn build(base: &Scenario, draft: &Draft) -> Result<Option<Built>, Vec<FieldError>> {
    let mut errors = Vec::new();
    let nodes = parse_nodes(&draft.nodes).map_err(|e| errors.push(e)).ok();
    let seed = parse_whole(Field::Seed, &draft.seed, "a whole number (0 or more)")
        .map_err(|e| errors.push(e))
        .ok();
    let mut ms = |field: Field, text: &str| {
        parse_whole(field, text, "a whole number of milliseconds")
            .map_err(|e| errors.push(e))
            .ok()
    };
    let latency = (
        ms(Field::LatencyMin, &draft.latency_min),
        ms(Field::LatencyMax, &draft.latency_max),
    );
    let election = if draft.manual_elections {
        // The range fields are not used (and disabled), so they cannot be wrong.
        (Some(0), Some(0))
    } else {
        (
            ms(Field::ElectionMin, &draft.election_min),
            ms(Field::ElectionMax, &draft.election_max),
        )
    };
    let heartbeat = ms(Field::Heartbeat, &draft.heartbeat);
    let loss = parse_percent(Field::Loss, &draft.loss_pct, base.network.loss)
        .map_err(|e| errors.push(e))
        .ok();
    let duplicate = parse_percent(
        Field::Duplicate,
        &draft.duplicate_pct,
        base.network.duplicate,
    )
    .map_err(|e| errors.push(e))
    .ok();
    // Upside-down ranges are caught here too, beside any other problem, rather than
    // one at a time by the engine's check below.
    let mut upside_down = |spot: Spot, lo: Option<u64>, hi: Option<u64>| {
        if let (Some(lo), Some(hi)) = (lo, hi) {
            if lo > hi {
                errors.push(FieldError::new(
                    spot,
                    format!("The minimum ({lo} ms) must not be above the maximum ({hi} ms)."),
                ));
            }
        }
    };
    upside_down(Spot::Latency, latency.0, latency.1);
    if !draft.manual_elections {
        upside_down(Spot::Election, election.0, election.1);
    }
    let (
        Some(nodes),
        Some(seed),
        (Some(lat_min), Some(lat_max)),
        (Some(el_min), Some(el_max)),
        Some(heartbeat),
        Some(loss),
        Some(duplicate),
    ) = (nodes, seed, latency, election, heartbeat, loss, duplicate)
    else {
        return Err(errors);
    };
    if !errors.is_empty() {
        return Err(errors);
    }

    let (script, dropped) = prune_script(&base.script, nodes);
    let candidate = Scenario {
        seed,
        nodes,
        network: NetworkSettings {
            mode: draft.mode,
            latency_ms: (lat_min, lat_max),
            loss,
            duplicate,
        },
        raft: RaftSettings {
            election_timeout_ms: (!draft.manual_elections).then_some((el_min, el_max)),
            heartbeat_ms: heartbeat,
            leader_noop: draft.leader_noop,
            pre_vote: draft.pre_vote,
            check_quorum: draft.check_quorum,
            mutations: draft.mutations.clone(),
        },
        script,
        ..base.clone()
    };
    if candidate == *base {
        return Ok(None);
    }
    // The engine's own validation (the same a file or a link goes through) has the last
    // word: the form never restarts with a scenario the engine would refuse to load.
    let scenario = Scenario::from_json(&candidate.to_json()).map_err(|e| {
        vec![FieldError::new(
            spot_for_path(&e.path),
            sentence(&e.message),
        )]
    })?;
    Ok(Some(Built {
        scenario: Scenario {
            title: modified_title(&scenario.title),
            ..scenario
        },
        dropped,
    }))
}

fn parse_nodes(text: &str) -> Result<u32, FieldError> {
    let problem = || {
        FieldError::new(
            Spot::Field(Field::Nodes),
            format!("Enter a whole number from 1 to {}.", limits::MAX_NODES),
        )
    };
    let n: u32 = text.trim().parse().map_err(|_| problem())?;
    if (1..=limits::MAX_NODES).contains(&n) {
        Ok(n)
    } else {
        Err(problem())
    }
}

fn parse_whole(field: Field, text: &str, what: &str) -> Result<u64, FieldError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(FieldError::new(
            Spot::Field(field),
            format!("Enter {what}."),
        ));
    }
    text.parse()
        .map_err(|_| FieldError::new(Spot::Field(field), format!("Enter {what}.")))
}

/// A percentage field as a probability. The text the form showed for `current` gives
/// back `current` exactly (so an untouched 0.1 stays 0.1, not 0.1000000000000000055…).
fn parse_percent(field: Field, text: &str, current: f64) -> Result<f64, FieldError> {
    let text = text.trim();
    if text == percent_text(current) {
        return Ok(current);
    }
    let problem = || FieldError::new(Spot::Field(field), "Enter a percentage from 0 to 100.");
    let pct: f64 = text.parse().map_err(|_| problem())?;
    if pct.is_finite() && (0.0..=100.0).contains(&pct) {
        Ok((pct / 100.0).clamp(0.0, 1.0))
    } else {
        Err(problem())
    }
}

/// Where to show an error of the engine, by its field path.
fn spot_for_path(path: &str) -> Spot {
    match path {
        "nodes" => Spot::Field(Field::Nodes),
        "seed" => Spot::Field(Field::Seed),
        "network.latency_ms[0]" => Spot::Field(Field::LatencyMin),
        "network.latency_ms[1]" => Spot::Field(Field::LatencyMax),
        "network.latency_ms" => Spot::Latency,
        "network.loss" => Spot::Field(Field::Loss),
        "network.duplicate" => Spot::Field(Field::Duplicate),
        "raft.election_timeout_ms[0]" => Spot::Field(Field::ElectionMin),
        "raft.election_timeout_ms[1]" => Spot::Field(Field::ElectionMax),
        "raft.election_timeout_ms" => Spot::Election,
        "raft.heartbeat_ms" => Spot::Field(Field::Heartbeat),
        _ => Spot::Form,
    }
}

/// "must be at least 1" → "Must be at least 1."
fn sentence(message: &str) -> String {
    let mut chars = message.chars();
    let mut out: String = match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => return String::new(),
    };
    if !out.ends_with('.') {
        out.push('.');
    }
    out
}

/// Splits a script into the entries a cluster of `nodes` can run and those that name a
/// node it no longer has.
pub(crate) fn prune_script(
    script: &[ScriptEntry],
    nodes: u32,
) -> (Vec<ScriptEntry>, Vec<ScriptEntry>) {
    script.iter().cloned().partition(|e| {
        e.action
            .node_ids()
            .iter()
            .all(|&id| (1..=nodes).contains(&id))
    })
}

/// The title of a scenario changed in the form.
pub(crate) fn modified_title(title: &str) -> String {
    if title.trim().is_empty() {
        return "Custom scenario".to_string();
    }
    if title.ends_with(MODIFIED) {
        return title.to_string();
    }
    let room = limits::TITLE_CHARS - MODIFIED.chars().count();
    let kept: String = title.chars().take(room).collect();
    format!("{}{MODIFIED}", kept.trim_end())
}

/// What the notice says after a restart from the form: script entries that had to go,
/// and the user's own actions that a restart does not keep. `None`: nothing to say.
pub(crate) fn restart_notice(
    nodes: u32,
    dropped: &[ScriptEntry],
    user_actions: usize,
) -> Option<(Tone, String)> {
    let mut parts = Vec::new();
    if !dropped.is_empty() {
        let shown: Vec<String> = dropped
            .iter()
            .take(3)
            .map(|e| format!("{} at {}", e.action, format_ms(e.at_ms)))
            .collect();
        let more = match dropped.len().saturating_sub(3) {
            0 => String::new(),
            n => format!(" and {n} more"),
        };
        let (count, verb) = match dropped.len() {
            1 => ("1 script action".to_string(), "names a node"),
            n => (format!("{n} script actions"), "name nodes"),
        };
        parts.push(format!(
            "With {nodes} node{}, {count} that {verb} no longer there {} left out: {}{more}.",
            if nodes == 1 { "" } else { "s" },
            if dropped.len() == 1 { "was" } else { "were" },
            shown.join("; ")
        ));
    }
    if user_actions > 0 {
        parts.push(format!(
            "Restarted from 0 ms with the new settings; the {} you took in the last run {} not kept.",
            if user_actions == 1 {
                "action".to_string()
            } else {
                format!("{user_actions} actions")
            },
            if user_actions == 1 { "was" } else { "were" },
        ));
    }
    if parts.is_empty() {
        return None;
    }
    let tone = if dropped.is_empty() {
        Tone::Info
    } else {
        Tone::Warning
    };
    Some((tone, parts.join(" ")))
}

/// The Settings tab.
#[function_component(SettingsView)]
pub fn settings_view(props: &ViewProps) -> Html {
    let lab = &props.lab;
    let base = lab.scenario().clone();
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
            let next = draft.borrow().with(edit);
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

    let is_default = base == Scenario::default();
    let reset = {
        let on_action = props.on_action.clone();
        let draft = draft.clone();
        let errors = errors.clone();
        Callback::from(move |_: MouseEvent| {
            // Refilled here as well: if the scenario already is the default, the restart
            // leaves it equal and the refill effect above does not run.
            *draft.borrow_mut() = Draft::from_scenario(&Scenario::default());
            errors.set(Vec::new());
            on_action.emit(UiAction::Restart(Scenario::default()));
        })
    };
    let can_reset = !is_default || !errors.is_empty();
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
    let heartbeat_hint = (!d.manual_elections
        && matches!(
            (d.heartbeat.trim().parse::<u64>(), d.election_min.trim().parse::<u64>()),
            (Ok(h), Ok(e)) if h >= e
        ))
    .then_some(
        "At or above the election timeout: followers will time out between heartbeats \
         and call elections under a working leader.",
    );
    let auto_only = (d.mode == NetworkMode::Manual)
        .then_some("Used in automatic delivery only; in manual delivery you decide.");

    let number = |field: Field, label: &str, value: &str, attrs: NumAttrs, hint: Option<&str>| {
        number_field(field, label, value, attrs, hint, errs, &on_edit)
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
                         NumAttrs::int(1, u64::from(limits::MAX_NODES)).unit("1 to 9"), None) }
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
                { range_pair(Spot::Latency, "Latency", (Field::LatencyMin, &d.latency_min),
                             (Field::LatencyMax, &d.latency_max),
                             NumAttrs::int(0, limits::MAX_LATENCY_MS), false, auto_only, errs, &on_edit) }
                { number(Field::Loss, "Loss", &d.loss_pct, NumAttrs::percent(), auto_only) }
                { number(Field::Duplicate, "Duplication", &d.duplicate_pct, NumAttrs::percent(), auto_only) }
            </fieldset>

            <fieldset class="settings-group">
                <legend>{ "Raft" }</legend>
                { checkbox(Flag::ManualElections, "Manual elections",
                           "No election timers: a node stands for election only when you time it out.",
                           d.manual_elections, &on_edit) }
                { range_pair(Spot::Election, "Election timeout", (Field::ElectionMin, &d.election_min),
                             (Field::ElectionMax, &d.election_max),
                             NumAttrs::int(1, limits::MAX_TIMER_MS), d.manual_elections,
                             d.manual_elections.then_some("Off: elections are manual."), errs, &on_edit) }
                { number(Field::Heartbeat, "Heartbeat", &d.heartbeat,
                         NumAttrs::int(1, limits::MAX_TIMER_MS).unit("ms"), heartbeat_hint) }
                { checkbox(Flag::PreVote, "Pre-vote",
                           "A candidate first asks whether it could win, so a rejoining server does not disrupt the leader (thesis §9.6).",
                           d.pre_vote, &on_edit) }
                { checkbox(Flag::CheckQuorum, "Check-quorum",
                           "A leader that stops hearing from a majority steps down (thesis §6.2).",
                           d.check_quorum, &on_edit) }
                { checkbox(Flag::LeaderNoop, "Leader no-op",
                           "A new leader appends an empty entry, so entries of earlier terms commit promptly (§5.4.2, §8).",
                           d.leader_noop, &on_edit) }
            </fieldset>

            <fieldset class="settings-group settings-break">
                <legend>
                    <span aria-hidden="true">{ "⚠ " }</span>{ "Break the protocol" }
                </legend>
                <p class="settings-break-lead">
                    { "Each switch removes one rule of Raft on purpose, so you can watch what \
                       it protects. The invariants above say when something breaks." }
                </p>
                { for Mutation::ALL.iter().map(|&m| mutation_checkbox(m, d.mutations.contains(&m), &on_edit)) }
            </fieldset>

            <div class="settings-actions">
                <button type="button" onclick={reset} disabled={!can_reset}
                        title="Restart with the page's default scenario">
                    { "Reset to defaults" }
                </button>
            </div>
        </form>
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

/// Reads an input's value on `change` and hands it to the form as an edit of `field`.
fn on_text_change(field: Field, on_edit: &Callback<Edit>) -> Callback<Event> {
    on_edit.reform(move |e: Event| {
        let input: web_sys::HtmlInputElement = e.target_unchecked_into();
        Edit::Text(field, input.value())
    })
}

fn number_field(
    field: Field,
    label: &str,
    value: &str,
    attrs: NumAttrs,
    hint: Option<&str>,
    errors: &[FieldError],
    on_edit: &Callback<Edit>,
) -> Html {
    let error = error_at(errors, Spot::Field(field));
    let hint_id = hint.map(|_| format!("{}-hint", field.id()));
    let error_id = error.map(|_| Spot::Field(field).error_id());
    html! {
        <div class={classes!("settings-field", error.is_some().then_some("has-error"))}>
            <label for={field.id()}>{ label }</label>
            <span class="settings-input">
                <input type="number" id={field.id()} value={value.to_string()}
                       min={attrs.min.to_string()} max={attrs.max.to_string()} step={attrs.step}
                       inputmode={if attrs.step == "1" { "numeric" } else { "decimal" }}
                       aria-invalid={error.is_some().then_some("true")}
                       aria-describedby={described_by(&[error_id, hint_id.clone()])}
                       onchange={on_text_change(field, on_edit)} />
                <span class="settings-unit" aria-hidden="true">{ attrs.unit }</span>
            </span>
            { error_line(Spot::Field(field), error) }
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
    let error = error_at(errors, Spot::Field(field));
    let hint_id = format!("{}-hint", field.id());
    let error_id = error.map(|_| Spot::Field(field).error_id());
    html! {
        <div class={classes!("settings-field", error.is_some().then_some("has-error"))}>
            <label for={field.id()}>{ "Seed" }</label>
            <span class="settings-input">
                <input type="text" id={field.id()} value={value.to_string()}
                       inputmode="numeric" autocomplete="off" spellcheck="false"
                       aria-invalid={error.is_some().then_some("true")}
                       aria-describedby={described_by(&[error_id, Some(hint_id.clone())])}
                       onchange={on_text_change(field, on_edit)} />
                <button type="button" class="settings-small-button" onclick={next_seed}
                        title="Restart with the next seed: same settings, different luck">
                    { "Next seed" }
                </button>
            </span>
            { error_line(Spot::Field(field), error) }
            <p class="settings-hint" id={hint_id}>
                { "Every random draw (latency, loss, timeouts) follows from it: \
                   the same seed replays the same run." }
            </p>
        </div>
    }
}

/// A min–max pair of millisecond fields, grouped under one name.
#[allow(clippy::too_many_arguments)]
fn range_pair(
    spot: Spot,
    label: &str,
    (min_field, min): (Field, &str),
    (max_field, max): (Field, &str),
    attrs: NumAttrs,
    disabled: bool,
    hint: Option<&str>,
    errors: &[FieldError],
    on_edit: &Callback<Edit>,
) -> Html {
    let range_error = error_at(errors, spot);
    let hint_id = hint.map(|_| format!("{}-hint", min_field.id()));
    let input = |field: Field, value: &str, word: &str| {
        let error = error_at(errors, Spot::Field(field)).or(range_error);
        let error_id = error.map(|e| e.spot.error_id());
        html! {
            <span class="settings-range-end">
                <label for={field.id()}>
                    <span class="settings-range-word">{ word }</span>
                    <span class="visually-hidden">{ format!(" {}", label.to_lowercase()) }</span>
                </label>
                <input type="number" id={field.id()} value={value.to_string()}
                       min={attrs.min.to_string()} max={attrs.max.to_string()} step={attrs.step}
                       inputmode="numeric" {disabled}
                       aria-invalid={error.is_some().then_some("true")}
                       aria-describedby={described_by(&[error_id, hint_id.clone()])}
                       onchange={on_text_change(field, on_edit)} />
            </span>
        }
    };
    let any_error = range_error.is_some()
        || error_at(errors, Spot::Field(min_field)).is_some()
        || error_at(errors, Spot::Field(max_field)).is_some();
    html! {
        <fieldset class={classes!("settings-range", any_error.then_some("has-error"))}>
            <legend>{ label }<span class="settings-unit">{ " (ms)" }</span></legend>
            <div class="settings-range-row">
                { input(min_field, min, "min") }
                <span class="settings-range-dash" aria-hidden="true">{ "–" }</span>
                { input(max_field, max, "max") }
            </div>
            { error_line(Spot::Field(min_field), error_at(errors, Spot::Field(min_field))) }
            { error_line(Spot::Field(max_field), error_at(errors, Spot::Field(max_field))) }
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
    flag: Flag,
    label: &str,
    description: &str,
    checked: bool,
    on_edit: &Callback<Edit>,
) -> Html {
    let id = match flag {
        Flag::ManualElections => "set-manual-elections",
        Flag::PreVote => "set-pre-vote",
        Flag::CheckQuorum => "set-check-quorum",
        Flag::LeaderNoop => "set-leader-noop",
    };
    let onchange = on_edit.reform(move |e: Event| {
        let input: web_sys::HtmlInputElement = e.target_unchecked_into();
        Edit::Flag(flag, input.checked())
    });
    html! {
        <div class="settings-check">
            <input type="checkbox" {id} {checked} {onchange} />
            <label for={id}>
                <span class="settings-check-name">{ label }</span>
                <span class="settings-check-text">{ description }</span>
            </label>
        </div>
    }
}

fn mutation_checkbox(m: Mutation, checked: bool, on_edit: &Callback<Edit>) -> Html {
    let id = format!("set-mutation-{}", m.name());
    let onchange = on_edit.reform(move |e: Event| {
        let input: web_sys::HtmlInputElement = e.target_unchecked_into();
        Edit::Mutation(m, input.checked())
    });
    html! {
        <div class={classes!("settings-check", "settings-mutation", checked.then_some("is-on"))}>
            <input type="checkbox" id={id.clone()} {checked} {onchange} />
            <label for={id}>
                <code class="settings-check-name">{ m.name() }</code>
                <span class="settings-check-text">{ m.removes() }</span>
            </label>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::presets;
    use crate::sim::Action;

    fn figure_8() -> Scenario {
        presets::get("figure-8").unwrap().unwrap()
    }

    #[test]
    fn an_untouched_form_builds_nothing_to_restart() {
        for p in presets::all() {
            let draft = Draft::from_scenario(&p.scenario);
            assert_eq!(build(&p.scenario, &draft), Ok(None), "{}", p.id);
        }
        let s = Scenario::default();
        assert_eq!(build(&s, &Draft::from_scenario(&s)), Ok(None));
    }

    #[test]
    fn changing_the_node_count_restarts_with_that_many_nodes_and_marks_the_title() {
        let base = Scenario::default();
        let draft = Draft::from_scenario(&base).with(Edit::Text(Field::Nodes, "3".into()));
        let built = build(&base, &draft).unwrap().unwrap();
        assert_eq!(built.scenario.nodes, 3);
        assert_eq!(built.scenario.title, "Raft: five servers (modified)");
        assert_eq!(built.scenario.notes, base.notes);
        assert!(built.dropped.is_empty());
    }

    #[test]
    fn shrinking_the_cluster_drops_script_entries_that_name_removed_nodes() {
        let base = figure_8();
        let draft = Draft::from_scenario(&base).with(Edit::Text(Field::Nodes, "4".into()));
        let built = build(&base, &draft).unwrap().unwrap();
        assert!(!built.dropped.is_empty());
        for e in &built.scenario.script {
            assert!(e.action.node_ids().iter().all(|&n| n <= 4), "{:?}", e);
        }
        // The partition named S5, and S5's own actions: all gone, nothing else.
        assert_eq!(
            built.scenario.script.len() + built.dropped.len(),
            base.script.len()
        );
        assert!(built
            .dropped
            .iter()
            .all(|e| e.action.node_ids().contains(&5)));
    }

    #[test]
    fn prune_keeps_actions_that_name_no_node() {
        let script = vec![
            ScriptEntry {
                at_ms: 0,
                action: Action::Heal,
            },
            ScriptEntry {
                at_ms: 5,
                action: Action::Cut { from: 1, to: 3 },
            },
            ScriptEntry {
                at_ms: 9,
                action: Action::Crash { node: 2 },
            },
        ];
        let (kept, dropped) = prune_script(&script, 2);
        assert_eq!(kept, vec![script[0].clone(), script[2].clone()]);
        assert_eq!(dropped, vec![script[1].clone()]);
    }

    #[test]
    fn a_latency_range_upside_down_is_an_error_beside_the_range() {
        let base = Scenario::default();
        let draft = Draft::from_scenario(&base).with(Edit::Text(Field::LatencyMin, "500".into()));
        let errors = build(&base, &draft).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].spot, Spot::Latency);
        assert_eq!(
            errors[0].message,
            "The minimum (500 ms) must not be above the maximum (30 ms)."
        );
    }

    #[test]
    fn both_upside_down_ranges_are_reported_with_other_problems() {
        let base = Scenario::default();
        let d = Draft::from_scenario(&base)
            .with(Edit::Text(Field::Nodes, "3".into()))
            .with(Edit::Text(Field::LatencyMin, "31".into()))
            .with(Edit::Text(Field::ElectionMax, "100".into()));
        let spots: Vec<Spot> = build(&base, &d)
            .unwrap_err()
            .iter()
            .map(|e| e.spot)
            .collect();
        assert_eq!(spots, vec![Spot::Latency, Spot::Election]);
        // With manual elections the election range does not matter.
        let d = d
            .with(Edit::Flag(Flag::ManualElections, true))
            .with(Edit::Text(Field::LatencyMin, "30".into()));
        assert!(build(&base, &d).unwrap().is_some());
    }

    #[test]
    fn values_past_the_engine_limits_are_refused_at_their_field() {
        let base = Scenario::default();
        let d = Draft::from_scenario(&base).with(Edit::Text(Field::LatencyMax, "60001".into()));
        let errors = build(&base, &d).unwrap_err();
        assert_eq!(errors[0].spot, Spot::Field(Field::LatencyMax));
        assert_eq!(errors[0].message, "Must be at most 60000.");
        let d = Draft::from_scenario(&base).with(Edit::Text(Field::Heartbeat, "0".into()));
        assert_eq!(
            build(&base, &d).unwrap_err()[0].spot,
            Spot::Field(Field::Heartbeat)
        );
    }

    #[test]
    fn every_bad_field_is_reported_at_once_and_nothing_panics() {
        let base = Scenario::default();
        let d = Draft::from_scenario(&base)
            .with(Edit::Text(Field::Nodes, "10".into()))
            .with(Edit::Text(Field::Seed, "-1".into()))
            .with(Edit::Text(Field::Loss, "101".into()))
            .with(Edit::Text(Field::Duplicate, "NaN".into()))
            .with(Edit::Text(Field::Heartbeat, "".into()))
            .with(Edit::Text(Field::ElectionMin, "1e3".into()));
        let spots: Vec<Spot> = build(&base, &d)
            .unwrap_err()
            .iter()
            .map(|e| e.spot)
            .collect();
        assert_eq!(
            spots,
            vec![
                Spot::Field(Field::Nodes),
                Spot::Field(Field::Seed),
                Spot::Field(Field::ElectionMin),
                Spot::Field(Field::Heartbeat),
                Spot::Field(Field::Loss),
                Spot::Field(Field::Duplicate),
            ]
        );
    }

    #[test]
    fn percentages_are_stored_as_probabilities_and_untouched_ones_stay_exact() {
        let mut base = Scenario::default();
        base.network.loss = 0.1;
        base.network.duplicate = 1.0 / 3.0;
        let d = Draft::from_scenario(&base);
        assert_eq!(d.loss_pct, "10");
        assert_eq!(d.duplicate_pct, "33.3333");
        let d = d.with(Edit::Text(Field::Loss, "12.5".into()));
        let built = build(&base, &d).unwrap().unwrap();
        assert_eq!(built.scenario.network.loss, 0.125);
        assert_eq!(built.scenario.network.duplicate, 1.0 / 3.0);
    }

    #[test]
    fn manual_elections_store_no_timeout_and_ignore_the_range_fields() {
        let base = Scenario::default();
        let d = Draft::from_scenario(&base)
            .with(Edit::Text(Field::ElectionMin, "oops".into()))
            .with(Edit::Flag(Flag::ManualElections, true));
        let built = build(&base, &d).unwrap().unwrap();
        assert_eq!(built.scenario.raft.election_timeout_ms, None);
        // Unticking brings back the range the fields hold (the default, once fixed).
        let back = Draft::from_scenario(&built.scenario);
        assert_eq!(back.election_min, "150");
        assert!(back.manual_elections);
    }

    #[test]
    fn mutations_toggle_and_stay_sorted() {
        let base = Scenario::default();
        let d = Draft::from_scenario(&base)
            .with(Edit::Mutation(Mutation::FixedTimeouts, true))
            .with(Edit::Mutation(Mutation::CommitOldTerms, true));
        let built = build(&base, &d).unwrap().unwrap();
        assert_eq!(
            built.scenario.raft.mutations,
            vec![Mutation::CommitOldTerms, Mutation::FixedTimeouts]
        );
        let d = d.with(Edit::Mutation(Mutation::FixedTimeouts, false));
        assert_eq!(d.mutations, vec![Mutation::CommitOldTerms]);
    }

    #[test]
    fn the_modified_title_fits_the_limit_and_is_marked_once() {
        assert_eq!(modified_title("A (modified)"), "A (modified)");
        assert_eq!(modified_title("  "), "Custom scenario");
        let long = "x".repeat(limits::TITLE_CHARS);
        let t = modified_title(&long);
        assert_eq!(t.chars().count(), limits::TITLE_CHARS);
        assert!(t.ends_with(MODIFIED));
    }

    #[test]
    fn the_restart_notice_names_what_was_left_out() {
        assert_eq!(restart_notice(5, &[], 0), None);
        let dropped = vec![ScriptEntry {
            at_ms: 1_500,
            action: Action::Crash { node: 5 },
        }];
        let (tone, text) = restart_notice(4, &dropped, 2).unwrap();
        assert_eq!(tone, Tone::Warning);
        assert!(text.contains("1 script action that names a node no longer there was left out: crash S5 at 1.500 s."), "{text}");
        assert!(text.contains("the 2 actions you took"), "{text}");
        let (tone, _) = restart_notice(5, &[], 1).unwrap();
        assert_eq!(tone, Tone::Info);
    }

    #[test]
    fn percent_text_is_short() {
        assert_eq!(percent_text(0.0), "0");
        assert_eq!(percent_text(0.05), "5");
        assert_eq!(percent_text(1.0), "100");
        assert_eq!(percent_text(0.001234), "0.1234");
    }
}
