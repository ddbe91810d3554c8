//! The invariants: the five properties of the Raft paper's Figure 3, each with its live
//! status. They sit above the tabs, so a violation is seen whatever tab is open.
//!
//! The engine checks them after every event; this view only reads
//! [`crate::sim::World::invariants`] and [`crate::sim::World::violations`]. It re-renders
//! only when the violations change, not on every animation frame.

use yew::prelude::*;

use super::lab::format_ms;
use super::state::UiAction;
use super::ViewProps;
use crate::sim::{Time, Violation};

/// An invariant's title and its rule, as the Raft paper's Figure 3 states it.
pub fn about(name: &str) -> (&str, &'static str) {
    match name {
        "election_safety" => (
            "Election Safety",
            "At most one leader can be elected in a given term.",
        ),
        "leader_append_only" => (
            "Leader Append-Only",
            "A leader never overwrites or deletes entries in its log; it only appends new entries.",
        ),
        "log_matching" => (
            "Log Matching",
            "If two logs contain an entry with the same index and term, then the logs are identical in all entries up through that index.",
        ),
        "leader_completeness" => (
            "Leader Completeness",
            "If a log entry is committed in a given term, then it is present in the logs of the leaders of all higher-numbered terms.",
        ),
        "state_machine_safety" => (
            "State Machine Safety",
            "If a server has applied a log entry at a given index, no other server will ever apply a different log entry for that index.",
        ),
        // A protocol added later names its own invariants; show the name as given.
        other => (other, ""),
    }
}

/// The time to seek to for "Jump to the violation": just after the event that broke the
/// invariant. The state "at `t`" excludes events due at `t` itself, so seeking to the
/// violation's own millisecond could show the moment before it.
pub fn jump_target(at_ms: Time) -> Time {
    at_ms.saturating_add(1)
}

/// The invariants box above the panel's tabs.
#[function_component(InvariantsView)]
pub fn invariants_view(props: &ViewProps) -> Html {
    let world = props.lab.world();
    html! {
        <InvariantList names={world.invariants()} violations={world.violations().to_vec()}
                       on_action={props.on_action.clone()} />
    }
}

#[derive(Properties, Clone)]
struct ListProps {
    names: &'static [&'static str],
    violations: Vec<Violation>,
    on_action: Callback<UiAction>,
}

impl PartialEq for ListProps {
    /// The callback is made anew every frame but always reaches the same reducer, so it
    /// is not compared: the list redraws only when a violation appears or goes (seeking).
    fn eq(&self, other: &Self) -> bool {
        self.names == other.names && self.violations == other.violations
    }
}

#[function_component(InvariantList)]
fn invariant_list(props: &ListProps) -> Html {
    let broken = props.violations.len();
    let rows = props.names.iter().map(|&name| {
        let (title, rule) = about(name);
        match props.violations.iter().find(|v| v.invariant == name) {
            None => html! {
                <li class="inv inv-ok">
                    <span class="inv-icon" aria-hidden="true">{ "✓" }</span>
                    <span class="inv-title">{ title }</span>
                    <span class="inv-status">{ "holds" }</span>
                    <span class="inv-rule" title={rule}>{ rule }</span>
                </li>
            },
            Some(v) => {
                let at = v.at_ms;
                let jump = props
                    .on_action
                    .reform(move |_: MouseEvent| UiAction::Seek(jump_target(at)));
                html! {
                    <li class="inv inv-violated">
                        <span class="inv-icon" aria-hidden="true">{ "✕" }</span>
                        <span class="inv-title">{ title }</span>
                        <span class="inv-status">{ format!("violated at {}", format_ms(at)) }</span>
                        <span class="inv-rule">{ rule }</span>
                        <div class="inv-detail">
                            <p class="inv-explanation">{ &v.detail }</p>
                            <button type="button" class="inv-jump" onclick={jump}
                                    aria-label={format!("Jump to the violation of {title} at {}", format_ms(at))}>
                                { "Jump to the violation" }
                            </button>
                        </div>
                    </li>
                }
            }
        }
    });
    let summary = match broken {
        0 => "all hold".to_string(),
        1 => "1 violated".to_string(),
        n => format!("{n} violated"),
    };
    html! {
        <section class={classes!("invariants", (broken > 0).then_some("has-violation"))}
                 aria-label="Invariants">
            <h2 class="inv-heading">
                { "Invariants" }
                <span class="inv-source">{ " · Raft, Figure 3 · " }{ summary }</span>
            </h2>
            <ul class="inv-list">{ for rows }</ul>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocols::raft::RaftChecker;
    use crate::sim::Checker;

    #[test]
    fn every_raft_invariant_has_a_title_and_a_rule() {
        for name in <RaftChecker as Checker<crate::protocols::raft::RaftNode>>::INVARIANTS {
            let (title, rule) = about(name);
            assert_ne!(title, *name, "{name} has no human title");
            assert!(rule.ends_with('.'), "{name}: {rule}");
        }
    }

    #[test]
    fn an_unknown_invariant_is_shown_by_its_name() {
        assert_eq!(about("quorum_intersection"), ("quorum_intersection", ""));
    }

    #[test]
    fn jumping_lands_just_after_the_breaking_event() {
        assert_eq!(jump_target(3_210), 3_211);
        assert_eq!(jump_target(Time::MAX), Time::MAX);
    }
}
