//! The settings form's state minus the DOM: the fields as typed, the edits the user makes,
//! and the scenario a valid form describes. The envelope's fields (nodes, seed, network)
//! are the same for every protocol; the protocol's own come from its form spec
//! ([`FormField`]) and its mutations. Pure, so it is tested natively.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::check::catalog;
use crate::protocols::spec::{FieldKind, FormField};
use crate::scenario::{limits, Scenario};
use crate::sim::client::{ClientSettings, Workload};
use crate::sim::{NetworkMode, NetworkSettings, ScriptEntry};
use crate::ui::lab::{format_ms, Tone};

/// What a changed scenario's title gets, so a shared link does not claim to be the preset
/// it started from (the preset's notes may no longer describe what happens).
pub const MODIFIED: &str = " (modified)";

/// A text field of the envelope.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    Nodes,
    Seed,
    LatencyMin,
    LatencyMax,
    Loss,
    Duplicate,
    /// The clients' timeout (protocols that serve clients).
    ClientTimeout,
    /// The workload's number of clients.
    WorkloadClients,
    /// The workload's number of registers.
    WorkloadKeys,
    /// The workload's think time, lower end.
    ThinkMin,
    /// The workload's think time, upper end.
    ThinkMax,
    /// The workload's share of reads, as a percentage.
    Reads,
}

impl Field {
    /// The input's DOM id.
    pub fn id(self) -> &'static str {
        match self {
            Field::Nodes => "set-nodes",
            Field::Seed => "set-seed",
            Field::LatencyMin => "set-latency-min",
            Field::LatencyMax => "set-latency-max",
            Field::Loss => "set-loss",
            Field::Duplicate => "set-duplicate",
            Field::ClientTimeout => "set-client-timeout",
            Field::WorkloadClients => "set-workload-clients",
            Field::WorkloadKeys => "set-workload-keys",
            Field::ThinkMin => "set-think-min",
            Field::ThinkMax => "set-think-max",
            Field::Reads => "set-reads",
        }
    }
}

/// Which part of a protocol setting: the whole of it, or one end of a range.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    /// The setting as a whole (a number, a toggle, a range that is upside down).
    Whole,
    /// A range's lower end.
    Min,
    /// A range's upper end.
    Max,
}

/// Where an error is shown: beside an envelope field, beside the latency pair, beside a
/// protocol setting (or one end of it), or above the form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Spot {
    /// One envelope input.
    Field(Field),
    /// The latency range as a whole (min above max).
    Latency,
    /// The workload's think range as a whole.
    Think,
    /// A protocol setting, by its key.
    Setting(&'static str, Part),
    /// Anything else the engine objects to.
    Form,
}

/// The DOM id of a protocol setting's input (`set-heartbeat-ms`, `set-election-timeout-ms-min`).
pub fn setting_id(key: &str, part: Part) -> String {
    let base = format!("set-{}", key.replace('_', "-"));
    match part {
        Part::Whole => base,
        Part::Min => format!("{base}-min"),
        Part::Max => format!("{base}-max"),
    }
}

impl Spot {
    /// The DOM id of the element holding this spot's error message.
    pub fn error_id(self) -> String {
        match self {
            Spot::Field(f) => format!("{}-error", f.id()),
            Spot::Latency => "set-latency-error".to_string(),
            Spot::Think => "set-think-error".to_string(),
            Spot::Setting(key, part) => format!("{}-error", setting_id(key, part)),
            Spot::Form => "set-form-error".to_string(),
        }
    }
}

/// A problem with the form: where, and what (a sentence).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
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

/// A protocol setting as the user typed it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SettingDraft {
    /// A number of milliseconds, as text.
    Millis(String),
    /// A range: off (`null`), and its ends as text (kept while off, for when it is back).
    Range { off: bool, lo: String, hi: String },
    /// On or off.
    Toggle(bool),
}

/// One change the user made.
#[derive(Clone, Debug, PartialEq)]
pub enum Edit {
    /// An envelope text field.
    Text(Field, String),
    /// The network's delivery mode.
    Mode(NetworkMode),
    /// A protocol number, or one end of a range.
    Setting(&'static str, Part, String),
    /// A protocol toggle, or a range's "off" box.
    Switch(&'static str, bool),
    /// A mutation on or off.
    Mutation(&'static str, bool),
    /// The clients' workload on or off.
    Workload(bool),
    /// A consistency model checked as an invariant, or not.
    Check(&'static str, bool),
}

/// The form's fields as the user typed them. Numbers stay text until [`build`], so a
/// half-typed or wrong value can be shown back with its error instead of being lost.
#[derive(Clone, Debug, PartialEq)]
pub struct Draft {
    pub nodes: String,
    pub seed: String,
    pub mode: NetworkMode,
    pub latency_min: String,
    pub latency_max: String,
    /// Loss as a percentage.
    pub loss_pct: String,
    /// Duplication as a percentage.
    pub duplicate_pct: String,
    /// The protocol's settings, by key.
    pub settings: BTreeMap<&'static str, SettingDraft>,
    /// The mutations switched on, in the spec's order.
    pub mutations: Vec<&'static str>,
    /// The clients' settings (shown for protocols that serve clients).
    pub clients: ClientsDraft,
}

/// The `clients` block and `check` list as typed.
#[derive(Clone, Debug, PartialEq)]
pub struct ClientsDraft {
    pub timeout_ms: String,
    /// The workload is on.
    pub workload: bool,
    /// Its fields, kept while it is off (for when it is back).
    pub clients: String,
    pub keys: String,
    pub think_min: String,
    pub think_max: String,
    /// The share of reads as a percentage.
    pub reads_pct: String,
    /// The models checked, in the catalog's order.
    pub check: Vec<&'static str>,
}

impl ClientsDraft {
    /// The form filled in from a scenario's `clients` block and `check` list.
    pub fn from_scenario(s: &Scenario) -> ClientsDraft {
        let on = s.clients.workload.is_some();
        let w = s
            .clients
            .workload
            .clone()
            .unwrap_or_else(crate::scenario::clients::default_workload);
        ClientsDraft {
            timeout_ms: s.clients.timeout_ms.to_string(),
            workload: on,
            clients: w.clients.to_string(),
            keys: w.keys.to_string(),
            think_min: w.think_ms.0.to_string(),
            think_max: w.think_ms.1.to_string(),
            reads_pct: percent_text(w.reads),
            check: s.check.clone(),
        }
    }
}

fn setting_draft(
    field: &FormField,
    value: Option<&Value>,
    default: Option<&Value>,
) -> SettingDraft {
    let number = |v: Option<&Value>| v.and_then(Value::as_u64).map(|n| n.to_string());
    match field.kind {
        FieldKind::Millis { .. } => SettingDraft::Millis(number(value).unwrap_or_default()),
        FieldKind::Toggle => SettingDraft::Toggle(value.and_then(Value::as_bool).unwrap_or(false)),
        FieldKind::MillisRange { min, .. } => {
            let pair = |v: Option<&Value>| {
                v.and_then(Value::as_array)
                    .map(|a| (number(a.first()), number(a.get(1))))
            };
            // While off, the ends keep the protocol's default range, ready for when the
            // box is unticked.
            let (lo, hi) = pair(value)
                .or_else(|| pair(default))
                .unwrap_or((Some(min.to_string()), Some(min.to_string())));
            SettingDraft::Range {
                off: value.is_none_or(Value::is_null),
                lo: lo.unwrap_or_default(),
                hi: hi.unwrap_or_default(),
            }
        }
    }
}

impl Draft {
    /// The form filled in from a scenario.
    pub fn from_scenario(s: &Scenario) -> Draft {
        let spec = s.protocol;
        let defaults = (spec.settings)(None).unwrap_or(Value::Null);
        let settings = spec
            .form
            .iter()
            .map(|f| {
                (
                    f.key,
                    setting_draft(f, s.settings.get(f.key), defaults.get(f.key)),
                )
            })
            .collect();
        let mutations = s
            .settings
            .get("mutations")
            .and_then(Value::as_array)
            .map(|names| {
                spec.mutations
                    .iter()
                    .filter(|m| names.iter().any(|n| n.as_str() == Some(m.name)))
                    .map(|m| m.name)
                    .collect()
            })
            .unwrap_or_default();
        Draft {
            nodes: s.nodes.to_string(),
            seed: s.seed.to_string(),
            mode: s.network.mode,
            latency_min: s.network.latency_ms.0.to_string(),
            latency_max: s.network.latency_ms.1.to_string(),
            loss_pct: percent_text(s.network.loss),
            duplicate_pct: percent_text(s.network.duplicate),
            settings,
            mutations,
            clients: ClientsDraft::from_scenario(s),
        }
    }

    /// The draft with one change made. `order` is the spec's list of mutation names, which
    /// keeps the mutations in the scenario's own order.
    pub fn with(&self, edit: Edit, order: &[&'static str]) -> Draft {
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
                    Field::ClientTimeout => &mut d.clients.timeout_ms,
                    Field::WorkloadClients => &mut d.clients.clients,
                    Field::WorkloadKeys => &mut d.clients.keys,
                    Field::ThinkMin => &mut d.clients.think_min,
                    Field::ThinkMax => &mut d.clients.think_max,
                    Field::Reads => &mut d.clients.reads_pct,
                };
                *slot = text;
            }
            Edit::Mode(mode) => d.mode = mode,
            Edit::Setting(key, part, text) => match (d.settings.get_mut(key), part) {
                (Some(SettingDraft::Millis(v)), _) => *v = text,
                (Some(SettingDraft::Range { lo, .. }), Part::Min) => *lo = text,
                (Some(SettingDraft::Range { hi, .. }), Part::Max) => *hi = text,
                _ => {}
            },
            Edit::Switch(key, on) => match d.settings.get_mut(key) {
                Some(SettingDraft::Toggle(v)) => *v = on,
                Some(SettingDraft::Range { off, .. }) => *off = on,
                _ => {}
            },
            Edit::Mutation(name, on) => {
                d.mutations.retain(|m| *m != name);
                if on {
                    d.mutations.push(name);
                    crate::sort::sort_by_key(&mut d.mutations, |m| {
                        order.iter().position(|o| o == m)
                    });
                }
            }
            Edit::Workload(on) => d.clients.workload = on,
            Edit::Check(name, on) => {
                d.clients.check.retain(|m| *m != name);
                if on {
                    d.clients.check.push(name);
                    crate::sort::sort_by_key(&mut d.clients.check, |m| {
                        catalog::MODELS.iter().position(|k| k.name == *m)
                    });
                }
            }
        }
        d
    }

    /// The protocol block this draft describes, leaving out what does not parse (for
    /// the protocol's warnings, which only look at a valid block).
    pub fn lenient_block(&self, base: &Scenario) -> Value {
        let mut block = base.settings.clone();
        if let Value::Object(map) = &mut block {
            for (key, draft) in &self.settings {
                let value = match draft {
                    SettingDraft::Millis(t) => t.trim().parse::<u64>().ok().map(Value::from),
                    SettingDraft::Toggle(on) => Some(Value::from(*on)),
                    SettingDraft::Range { off: true, .. } => Some(Value::Null),
                    SettingDraft::Range { lo, hi, .. } => {
                        match (lo.trim().parse::<u64>(), hi.trim().parse::<u64>()) {
                            (Ok(lo), Ok(hi)) => Some(Value::from(vec![lo, hi])),
                            _ => None,
                        }
                    }
                };
                if let Some(v) = value {
                    map.insert(key.to_string(), v);
                }
            }
        }
        block
    }
}

/// A probability as the form shows it: a percentage with at most four decimals.
pub fn percent_text(p: f64) -> String {
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
pub struct Built {
    /// The new scenario to restart with.
    pub scenario: Scenario,
    /// Script entries left out because they name nodes the smaller cluster lacks.
    pub dropped: Vec<ScriptEntry>,
}

/// Builds the scenario the form describes, from the loaded `base` (its title, notes and
/// script). `Ok(None)`: the draft describes `base` itself, nothing to restart. `Err`: every
/// problem found, each with where to show it.
pub fn build(base: &Scenario, draft: &Draft) -> Result<Option<Built>, Vec<FieldError>> {
    let spec = base.protocol;
    let mut errors = Vec::new();
    let nodes = parse_nodes(&draft.nodes, spec.max_nodes)
        .map_err(|e| errors.push(e))
        .ok();
    let seed = parse_whole(
        Spot::Field(Field::Seed),
        &draft.seed,
        "a whole number (0 or more)",
    )
    .map_err(|e| errors.push(e))
    .ok();
    let mut ms = |spot: Spot, text: &str| {
        parse_whole(spot, text, "a whole number of milliseconds")
            .map_err(|e| errors.push(e))
            .ok()
    };
    let latency = (
        ms(Spot::Field(Field::LatencyMin), &draft.latency_min),
        ms(Spot::Field(Field::LatencyMax), &draft.latency_max),
    );
    // The protocol's own fields, in the form's order.
    let mut block = base.settings.clone();
    let mut ranges = Vec::new();
    for field in spec.form {
        let value = match draft.settings.get(field.key) {
            Some(SettingDraft::Millis(text)) => {
                ms(Spot::Setting(field.key, Part::Whole), text).map(Value::from)
            }
            Some(SettingDraft::Toggle(on)) => Some(Value::from(*on)),
            Some(SettingDraft::Range { off: true, .. }) => Some(Value::Null),
            Some(SettingDraft::Range { lo, hi, .. }) => {
                let lo = ms(Spot::Setting(field.key, Part::Min), lo);
                let hi = ms(Spot::Setting(field.key, Part::Max), hi);
                ranges.push((Spot::Setting(field.key, Part::Whole), lo, hi));
                lo.zip(hi).map(|(lo, hi)| Value::from(vec![lo, hi]))
            }
            None => None,
        };
        if let (Some(v), Value::Object(map)) = (value, &mut block) {
            map.insert(field.key.to_string(), v);
        }
    }
    if let Value::Object(map) = &mut block {
        if map.contains_key("mutations") {
            map.insert("mutations".into(), Value::from(draft.mutations.clone()));
        }
    }
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
    for (spot, lo, hi) in ranges {
        upside_down(spot, lo, hi);
    }
    let clients = if spec.serves_clients {
        parse_clients(&draft.clients, &base.clients, &mut errors)
    } else {
        Some(base.clients.clone())
    };
    let (
        Some(nodes),
        Some(seed),
        (Some(lat_min), Some(lat_max)),
        Some(loss),
        Some(duplicate),
        Some(clients),
    ) = (nodes, seed, latency, loss, duplicate, clients)
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
        script,
        check: if spec.serves_clients {
            draft.clients.check.clone()
        } else {
            base.check.clone()
        },
        clients,
        ..base.clone()
    };
    let engine_error = |e: crate::scenario::ScenarioError| {
        vec![FieldError::new(
            spot_for_path(spec.name, spec.form, &e.path),
            sentence(&e.message),
        )]
    };
    let candidate = candidate.with_settings(&block).map_err(engine_error)?;
    if candidate == *base {
        return Ok(None);
    }
    // The engine's own validation (the same a file or a link goes through) has the last
    // word: the form never restarts with a scenario the engine would refuse to load.
    let scenario = Scenario::from_json(&candidate.to_json()).map_err(engine_error)?;
    Ok(Some(Built {
        scenario: Scenario {
            title: modified_title(&scenario.title),
            ..scenario
        },
        dropped,
    }))
}

/// The `clients` block the draft describes, or `None` with its problems added to `errors`.
fn parse_clients(
    d: &ClientsDraft,
    base: &ClientSettings,
    errors: &mut Vec<FieldError>,
) -> Option<ClientSettings> {
    let mut whole = |field: Field, text: &str, what: &str| {
        parse_whole(Spot::Field(field), text, what)
            .map_err(|e| errors.push(e))
            .ok()
    };
    let timeout = whole(
        Field::ClientTimeout,
        &d.timeout_ms,
        "a whole number of milliseconds",
    );
    if !d.workload {
        return Some(ClientSettings {
            timeout_ms: timeout?,
            workload: None,
        });
    }
    let clients = whole(
        Field::WorkloadClients,
        &d.clients,
        "a whole number of clients",
    );
    let keys = whole(Field::WorkloadKeys, &d.keys, "a whole number of registers");
    let lo = whole(
        Field::ThinkMin,
        &d.think_min,
        "a whole number of milliseconds",
    );
    let hi = whole(
        Field::ThinkMax,
        &d.think_max,
        "a whole number of milliseconds",
    );
    let current = base.workload.as_ref().map_or(0.5, |w| w.reads);
    let reads = parse_percent(Field::Reads, &d.reads_pct, current)
        .map_err(|e| errors.push(e))
        .ok();
    if let (Some(lo), Some(hi)) = (lo, hi) {
        if lo > hi {
            errors.push(FieldError::new(
                Spot::Think,
                format!("The minimum ({lo} ms) must not be above the maximum ({hi} ms)."),
            ));
            return None;
        }
    }
    let narrow = |n: u64| u32::try_from(n).unwrap_or(u32::MAX);
    Some(ClientSettings {
        timeout_ms: timeout?,
        workload: Some(Workload {
            clients: narrow(clients?),
            keys: narrow(keys?),
            think_ms: (lo?, hi?),
            reads: reads?,
        }),
    })
}

fn parse_nodes(text: &str, max: u32) -> Result<u32, FieldError> {
    let problem = || {
        FieldError::new(
            Spot::Field(Field::Nodes),
            format!("Enter a whole number from 1 to {max}."),
        )
    };
    let n: u32 = text.trim().parse().map_err(|_| problem())?;
    if (1..=max).contains(&n) {
        Ok(n)
    } else {
        Err(problem())
    }
}

fn parse_whole(spot: Spot, text: &str, what: &str) -> Result<u64, FieldError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(FieldError::new(spot, format!("Enter {what}.")));
    }
    text.parse()
        .map_err(|_| FieldError::new(spot, format!("Enter {what}.")))
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

/// Where to show an error of the engine, by its field path (`network.loss`,
/// `raft.election_timeout_ms[0]`).
fn spot_for_path(protocol: &str, form: &[FormField], path: &str) -> Spot {
    match path {
        "nodes" => return Spot::Field(Field::Nodes),
        "seed" => return Spot::Field(Field::Seed),
        "network.latency_ms[0]" => return Spot::Field(Field::LatencyMin),
        "network.latency_ms[1]" => return Spot::Field(Field::LatencyMax),
        "network.latency_ms" => return Spot::Latency,
        "network.loss" => return Spot::Field(Field::Loss),
        "network.duplicate" => return Spot::Field(Field::Duplicate),
        "clients.timeout_ms" => return Spot::Field(Field::ClientTimeout),
        "clients.workload.clients" => return Spot::Field(Field::WorkloadClients),
        "clients.workload.keys" => return Spot::Field(Field::WorkloadKeys),
        "clients.workload.think_ms[0]" => return Spot::Field(Field::ThinkMin),
        "clients.workload.think_ms[1]" => return Spot::Field(Field::ThinkMax),
        "clients.workload.think_ms" => return Spot::Think,
        "clients.workload.reads" => return Spot::Field(Field::Reads),
        _ => {}
    }
    let Some(rest) = path
        .strip_prefix(protocol)
        .and_then(|r| r.strip_prefix('.'))
    else {
        return Spot::Form;
    };
    for field in form {
        if rest == field.key {
            return Spot::Setting(field.key, Part::Whole);
        }
        if rest == format!("{}[0]", field.key) {
            return Spot::Setting(field.key, Part::Min);
        }
        if rest == format!("{}[1]", field.key) {
            return Spot::Setting(field.key, Part::Max);
        }
    }
    Spot::Form
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
pub fn prune_script(script: &[ScriptEntry], nodes: u32) -> (Vec<ScriptEntry>, Vec<ScriptEntry>) {
    script.iter().cloned().partition(|e| {
        e.action
            .node_ids()
            .iter()
            .all(|&id| (1..=nodes).contains(&id))
    })
}

/// The title of a scenario changed in the form.
pub fn modified_title(title: &str) -> String {
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
pub fn restart_notice(
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocols::raft::RaftSettings;
    use crate::scenario::presets;
    use crate::sim::Action;

    const ELECTION: &str = "election_timeout_ms";

    fn figure_8() -> Scenario {
        presets::get("figure-8").unwrap().unwrap()
    }

    fn order(s: &Scenario) -> Vec<&'static str> {
        s.protocol.mutations.iter().map(|m| m.name).collect()
    }

    fn edit(d: &Draft, base: &Scenario, e: Edit) -> Draft {
        d.with(e, &order(base))
    }

    #[test]
    fn an_untouched_form_builds_nothing_to_restart() {
        for p in presets::all() {
            let draft = Draft::from_scenario(&p.scenario);
            assert_eq!(build(&p.scenario, &draft), Ok(None), "{}", p.id);
        }
        for spec in crate::protocols::PROTOCOLS {
            let s = Scenario::default_for(spec);
            assert_eq!(
                build(&s, &Draft::from_scenario(&s)),
                Ok(None),
                "{}",
                spec.name
            );
        }
    }

    #[test]
    fn changing_the_node_count_restarts_with_that_many_nodes_and_marks_the_title() {
        let base = Scenario::default();
        let draft = edit(
            &Draft::from_scenario(&base),
            &base,
            Edit::Text(Field::Nodes, "3".into()),
        );
        let built = build(&base, &draft).unwrap().unwrap();
        assert_eq!(built.scenario.nodes, 3);
        assert_eq!(built.scenario.title, "Raft: five servers (modified)");
        assert_eq!(built.scenario.notes, base.notes);
        assert!(built.dropped.is_empty());
    }

    #[test]
    fn shrinking_the_cluster_drops_script_entries_that_name_removed_nodes() {
        let base = figure_8();
        let draft = edit(
            &Draft::from_scenario(&base),
            &base,
            Edit::Text(Field::Nodes, "4".into()),
        );
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
        let draft = edit(
            &Draft::from_scenario(&base),
            &base,
            Edit::Text(Field::LatencyMin, "500".into()),
        );
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
        let d = Draft::from_scenario(&base);
        let d = edit(&d, &base, Edit::Text(Field::Nodes, "3".into()));
        let d = edit(&d, &base, Edit::Text(Field::LatencyMin, "31".into()));
        let d = edit(&d, &base, Edit::Setting(ELECTION, Part::Max, "100".into()));
        let spots: Vec<Spot> = build(&base, &d)
            .unwrap_err()
            .iter()
            .map(|e| e.spot)
            .collect();
        assert_eq!(
            spots,
            vec![Spot::Latency, Spot::Setting(ELECTION, Part::Whole)]
        );
        // With manual elections the election range does not matter.
        let d = edit(&d, &base, Edit::Switch(ELECTION, true));
        let d = edit(&d, &base, Edit::Text(Field::LatencyMin, "30".into()));
        assert!(build(&base, &d).unwrap().is_some());
    }

    #[test]
    fn values_past_the_engine_limits_are_refused_at_their_field() {
        let base = Scenario::default();
        let d = edit(
            &Draft::from_scenario(&base),
            &base,
            Edit::Text(Field::LatencyMax, "60001".into()),
        );
        let errors = build(&base, &d).unwrap_err();
        assert_eq!(errors[0].spot, Spot::Field(Field::LatencyMax));
        assert_eq!(errors[0].message, "Must be at most 60000.");
        let d = edit(
            &Draft::from_scenario(&base),
            &base,
            Edit::Setting("heartbeat_ms", Part::Whole, "0".into()),
        );
        let errors = build(&base, &d).unwrap_err();
        assert_eq!(errors[0].spot, Spot::Setting("heartbeat_ms", Part::Whole));
        assert_eq!(errors[0].message, "Must be at least 1.");
    }

    #[test]
    fn every_bad_field_is_reported_at_once_and_nothing_panics() {
        let base = Scenario::default();
        let d = Draft::from_scenario(&base);
        let d = edit(&d, &base, Edit::Text(Field::Nodes, "10".into()));
        let d = edit(&d, &base, Edit::Text(Field::Seed, "-1".into()));
        let d = edit(&d, &base, Edit::Text(Field::Loss, "101".into()));
        let d = edit(&d, &base, Edit::Text(Field::Duplicate, "NaN".into()));
        let d = edit(
            &d,
            &base,
            Edit::Setting("heartbeat_ms", Part::Whole, "".into()),
        );
        let d = edit(&d, &base, Edit::Setting(ELECTION, Part::Min, "1e3".into()));
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
                Spot::Setting(ELECTION, Part::Min),
                Spot::Setting("heartbeat_ms", Part::Whole),
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
        let d = edit(&d, &base, Edit::Text(Field::Loss, "12.5".into()));
        let built = build(&base, &d).unwrap().unwrap();
        assert_eq!(built.scenario.network.loss, 0.125);
        assert_eq!(built.scenario.network.duplicate, 1.0 / 3.0);
    }

    #[test]
    fn a_range_switched_off_stores_null_and_ignores_its_ends() {
        let base = Scenario::default();
        let d = Draft::from_scenario(&base);
        let d = edit(&d, &base, Edit::Setting(ELECTION, Part::Min, "oops".into()));
        let d = edit(&d, &base, Edit::Switch(ELECTION, true));
        let built = build(&base, &d).unwrap().unwrap();
        assert_eq!(RaftSettings::of(&built.scenario).election_timeout_ms, None);
        // Unticking brings back the range the fields hold (the default, once fixed).
        let back = Draft::from_scenario(&built.scenario);
        assert_eq!(
            back.settings[ELECTION],
            SettingDraft::Range {
                off: true,
                lo: "150".into(),
                hi: "300".into()
            }
        );
    }

    #[test]
    fn mutations_toggle_and_stay_in_the_spec_order() {
        let base = Scenario::default();
        let d = Draft::from_scenario(&base);
        let d = edit(&d, &base, Edit::Mutation("fixed_timeouts", true));
        let d = edit(&d, &base, Edit::Mutation("commit_old_terms", true));
        let built = build(&base, &d).unwrap().unwrap();
        assert_eq!(
            built.scenario.settings["mutations"],
            serde_json::json!(["commit_old_terms", "fixed_timeouts"])
        );
        let d = edit(&d, &base, Edit::Mutation("fixed_timeouts", false));
        assert_eq!(d.mutations, vec!["commit_old_terms"]);
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

    #[test]
    fn the_clients_block_is_read_from_the_draft_with_errors_at_their_fields() {
        let base = Scenario::default();
        let mut d = ClientsDraft::from_scenario(&base);
        assert!(!d.workload);
        let mut errors = Vec::new();
        assert_eq!(
            parse_clients(&d, &base.clients, &mut errors),
            Some(base.clients.clone())
        );
        d.workload = true;
        d.clients = "4".into();
        d.reads_pct = "25".into();
        let built = parse_clients(&d, &base.clients, &mut errors).unwrap();
        let w = built.workload.unwrap();
        assert_eq!((w.clients, w.reads, w.think_ms), (4, 0.25, (50, 150)));
        assert!(errors.is_empty());
        d.think_min = "300".into();
        d.timeout_ms = "soon".into();
        assert_eq!(parse_clients(&d, &base.clients, &mut errors), None);
        let spots: Vec<Spot> = errors.iter().map(|e| e.spot).collect();
        assert_eq!(spots, [Spot::Field(Field::ClientTimeout), Spot::Think]);
    }

    #[test]
    fn checked_models_stay_in_the_catalogs_order() {
        let base = Scenario::default();
        let d = Draft::from_scenario(&base);
        let d = d.with(Edit::Check("monotonic_reads", true), &[]);
        let d = d.with(Edit::Check("linearizable", true), &[]);
        assert_eq!(d.clients.check, ["linearizable", "monotonic_reads"]);
        let d = d.with(Edit::Check("linearizable", false), &[]);
        assert_eq!(d.clients.check, ["monotonic_reads"]);
        assert_eq!(
            spot_for_path("raft", &[], "clients.workload.think_ms"),
            Spot::Think
        );
    }
}
