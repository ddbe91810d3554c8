//! Time travel, for every protocol: a seek lands on exactly the state that was there,
//! acting in the past forks the run, and the history's memory stays bounded.

use quorum_lab::protocols::{self, raft, workload, Rewind, Run, Spec, PROTOCOLS};
use quorum_lab::scenario::Scenario;
use quorum_lab::sim::{Action, MarkKind};

/// `ms` of the benchmark workload played the way the page plays it (see
/// [`workload::live_run`]).
fn live_run(spec: &'static Spec, ms: u64) -> (Box<dyn Run>, Box<dyn Rewind>) {
    workload::live_run(spec, ms)
}

#[test]
fn seek_lands_on_exactly_the_state_of_a_fresh_replay() {
    for spec in PROTOCOLS {
        let (live, history) = live_run(spec, 20_000);
        // The workload's scenario with the actions the live run recorded.
        let scenario = Scenario {
            title: "Benchmark workload".into(),
            script: live.script().to_vec(),
            ..Scenario::default_for(spec)
        };
        for t in [0, 1, 217, 5_000, 9_999, 13_333, 20_000] {
            let seeked = history.seek(t, 0);
            let mut fresh = protocols::build(&scenario);
            fresh.advance_to(t);
            let at = format!("{} at t={t}", spec.name);
            assert_eq!(seeked.now(), t, "{at}");
            assert_eq!(seeked.events(), fresh.events(), "events, {at}");
            assert_eq!(seeked.trace_hash(), fresh.trace_hash(), "trace hash, {at}");
        }
    }
}

#[test]
fn seeking_back_then_playing_forward_rejoins_the_same_run() {
    for spec in PROTOCOLS {
        let (live, history) = live_run(spec, 5_000);
        let mut back = history.seek(1_234, 0);
        back.advance_to(5_000);
        assert_eq!(back.trace_hash(), live.trace_hash(), "{}", spec.name);
    }
}

#[test]
fn acting_in_the_past_discards_the_future_and_records_the_action() {
    for spec in PROTOCOLS {
        let name = spec.name;
        let (_, mut history) = live_run(spec, 5_000);
        let marks_before = history.marks().len();
        let mut past = history.seek(2_000, 0);
        let (at, forked) = history.act(&mut *past, Action::Crash { node: 1 });
        assert!(forked, "{name}: a future existed and was discarded");
        assert_eq!(at, 2_000, "{name}");
        assert_eq!(history.frontier_ms(), 2_000, "{name}");
        assert!(history.marks().len() < marks_before, "{name}");
        assert!(history.marks().iter().all(|m| m.at_ms <= 2_000), "{name}");
        let last = history.marks().last().unwrap();
        assert_eq!(last.kind, MarkKind::Action, "{name}");
        // No recorded action survives after the fork point but the new one.
        assert!(past.script().iter().all(|e| e.at_ms <= 2_000), "{name}");
        assert_eq!(
            past.script().last().unwrap().action,
            Action::Crash { node: 1 },
            "{name}"
        );
        // Seeking within the new run replays the new action too.
        past.advance_to(3_000);
        let again = history.seek(3_000, 0);
        assert_eq!(again.trace_hash(), past.trace_hash(), "{name}");
        assert!(!again.up(1), "{name}");
    }
}

#[test]
fn acting_at_the_frontier_is_not_a_fork() {
    for spec in PROTOCOLS {
        let (mut live, mut history) = live_run(spec, 1_000);
        let (_, forked) = history.act(&mut *live, Action::Heal);
        assert!(!forked, "{}", spec.name);
    }
}

#[test]
fn raft_marks_show_elections_and_commits() {
    let (_, history) = live_run(&raft::SPEC, 3_000);
    let kinds: Vec<MarkKind> = history.marks().iter().map(|m| m.kind).collect();
    assert!(kinds.contains(&MarkKind::Election));
    assert!(kinds.contains(&MarkKind::Commit));
    assert!(kinds.contains(&MarkKind::Action));
}

#[test]
fn checkpoints_stay_bounded_over_a_ten_minute_run() {
    for spec in PROTOCOLS {
        let (_, history) = live_run(spec, 600_000);
        assert!(
            history.checkpoints() <= quorum_lab::sim::history::MAX_CHECKPOINTS,
            "{}",
            spec.name
        );
        assert!(history.checkpoints() > 8, "{}", spec.name);
    }
}
