//! Time travel: a seek lands on exactly the state that was there, acting in the past
//! forks the run, and the history's memory stays bounded.

use quorum_lab::protocols::raft::{self, workload, RaftWorld};
use quorum_lab::scenario::Scenario;
use quorum_lab::sim::{Action, History, MarkKind};

fn live_run(ms: u64) -> (RaftWorld, History<raft::RaftNode>) {
    workload::live_run(ms)
}

#[test]
fn seek_lands_on_exactly_the_state_of_a_fresh_replay() {
    let (live, history) = live_run(20_000);
    let script = live.script().to_vec();
    for t in [0, 1, 217, 5_000, 9_999, 13_333, 20_000] {
        let seeked = history.seek(t, 0);
        let scenario = Scenario {
            script: script.clone(),
            ..Scenario::default()
        };
        let mut fresh = raft::world(&Scenario {
            title: "Benchmark workload".into(),
            ..scenario
        });
        fresh.advance_to(t);
        assert_eq!(seeked.now(), t);
        assert_eq!(seeked.events(), fresh.events(), "events at t={t}");
        assert_eq!(
            seeked.trace().hash(),
            fresh.trace().hash(),
            "trace hash at t={t}"
        );
    }
}

#[test]
fn seeking_back_then_playing_forward_rejoins_the_same_run() {
    let (live, history) = live_run(5_000);
    let mut back = history.seek(1_234, 0);
    back.advance_to(5_000);
    assert_eq!(back.trace().hash(), live.trace().hash());
}

#[test]
fn acting_in_the_past_discards_the_future_and_records_the_action() {
    let (_, mut history) = live_run(5_000);
    let marks_before = history.marks().len();
    let mut past = history.seek(2_000, 0);
    let (at, forked) = history.act(&mut past, Action::Crash { node: 1 });
    assert!(forked, "a future existed and was discarded");
    assert_eq!(at, 2_000);
    assert_eq!(history.frontier_ms(), 2_000);
    assert!(history.marks().len() < marks_before);
    assert!(history.marks().iter().all(|m| m.at_ms <= 2_000));
    let last = history.marks().last().unwrap();
    assert_eq!(last.kind, MarkKind::Action);
    // No recorded action survives after the fork point but the new one.
    assert!(past.script().iter().all(|e| e.at_ms <= 2_000));
    assert_eq!(
        past.script().last().unwrap().action,
        Action::Crash { node: 1 }
    );
    // Seeking within the new run replays the new action too.
    past.advance_to(3_000);
    let again = history.seek(3_000, 0);
    assert_eq!(again.trace().hash(), past.trace().hash());
    assert!(!again.host(1).up);
}

#[test]
fn acting_at_the_frontier_is_not_a_fork() {
    let (mut live, mut history) = live_run(1_000);
    let (_, forked) = history.act(&mut live, Action::Heal);
    assert!(!forked);
}

#[test]
fn marks_show_elections_and_commits() {
    let (_, history) = live_run(3_000);
    let kinds: Vec<MarkKind> = history.marks().iter().map(|m| m.kind).collect();
    assert!(kinds.contains(&MarkKind::Election));
    assert!(kinds.contains(&MarkKind::Commit));
    assert!(kinds.contains(&MarkKind::Action));
}

#[test]
fn checkpoints_stay_bounded_over_a_ten_minute_run() {
    let (_, history) = live_run(600_000);
    assert!(history.checkpoints() <= quorum_lab::sim::history::MAX_CHECKPOINTS);
    assert!(history.checkpoints() > 8);
}
