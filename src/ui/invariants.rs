//! The invariants of the running protocol, each with its live status. They sit above the
//! tabs, so a violation is seen whatever tab is open.
//!
//! The engine checks them after every event; this view only reads the protocol's spec
//! (titles, rules, sources) and the run's violations. It re-renders only when the
//! violations change, not on every animation frame.

use yew::prelude::*;

use super::lab::format_ms;
use super::state::UiAction;
use super::ViewProps;
use crate::check::catalog;
use crate::sim::{InvariantSpec, Time, Violation};

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
        <InvariantList invariants={world.spec().invariants} protocol={world.spec().title}
                       models={world.checked_models().to_vec()}
                       violations={world.violations().to_vec()} on_action={props.on_action.clone()} />
    }
}

#[derive(Properties, Clone)]
struct ListProps {
    invariants: &'static [InvariantSpec],
    protocol: &'static str,
    /// The consistency models the scenario checks as invariants (its `check` list).
    models: Vec<&'static str>,
    violations: Vec<Violation>,
    on_action: Callback<UiAction>,
}

/// An invariant's rule with where it comes from, for its row's hover text.
pub fn rule_and_source(i: &InvariantSpec) -> String {
    format!("{} ({})", i.rule, i.source)
}

impl PartialEq for ListProps {
    /// The callback is made anew every frame but always reaches the same reducer, so it
    /// is not compared: the list redraws only when a violation appears or goes (seeking).
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self.invariants, other.invariants)
            && self.protocol == other.protocol
            && self.models == other.models
            && self.violations == other.violations
    }
}

#[function_component(InvariantList)]
fn invariant_list(props: &ListProps) -> Html {
    let broken = props.violations.len();
    // The checked consistency models follow the protocol's own invariants: the engine
    // checks them after every completion, and a model can only be said to hold so far.
    let models = props.models.iter().filter_map(|m| catalog::model(m));
    let all: Vec<(&'static InvariantSpec, &str)> = props
        .invariants
        .iter()
        .map(|i| (i, "holds"))
        .chain(models.map(|m| (m, "holds so far")))
        .collect();
    let rows = all.into_iter().map(|(inv, holds)| {
        let (title, rule) = (inv.title, inv.rule);
        let about = rule_and_source(inv);
        match props.violations.iter().find(|v| v.invariant == inv.name) {
            None => html! {
                <li class="inv inv-ok">
                    <span class="inv-icon" aria-hidden="true">{ "✓" }</span>
                    <span class="inv-title">{ title }</span>
                    <span class="inv-status">{ holds }</span>
                    <span class="inv-rule" title={about}>{ rule }</span>
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
                        <span class="inv-rule" title={about}>{ rule }</span>
                        <div class="inv-detail">
                            <p class="inv-explanation" title={v.detail.clone()}>{ &v.detail }</p>
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
                <span class="inv-source">{ format!(" · {} · ", props.protocol) }{ summary }</span>
            </h2>
            <ul class="inv-list">{ for rows }</ul>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocols::PROTOCOLS;

    #[test]
    fn every_invariant_of_every_protocol_has_a_title_a_rule_and_a_source() {
        for spec in PROTOCOLS {
            for i in spec.invariants {
                assert_ne!(
                    i.title, i.name,
                    "{}: {} has no human title",
                    spec.name, i.name
                );
                assert!(i.rule.ends_with('.'), "{}: {}", i.name, i.rule);
                assert!(!i.source.is_empty(), "{}: no source", i.name);
            }
        }
    }

    #[test]
    fn a_rule_says_where_it_comes_from() {
        let first = &PROTOCOLS[0].invariants[0];
        assert_eq!(
            rule_and_source(first),
            "At most one leader can be elected in a given term. (Raft, Figure 3)"
        );
    }

    #[test]
    fn jumping_lands_just_after_the_breaking_event() {
        assert_eq!(jump_target(3_210), 3_211);
        assert_eq!(jump_target(Time::MAX), Time::MAX);
    }
}
