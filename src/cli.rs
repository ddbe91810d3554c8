//! The `qlab` command-line tool of `SCENARIO.md`: run, trace, sweep, link, decode, bench.
//!
//! Every failure is a value: a bad file or argument prints one line on stderr and exits 2.

use std::fmt::Write as _;
use std::time::Instant;

use serde_json::{json, Value};

use crate::protocols::{self, workload, Run, PROTOCOLS};
use crate::scenario::chaos::add_chaos;
use crate::scenario::{link, presets, Scenario};
use crate::sim::Time;

/// Where links point when `--base` is not given: the address `scripts/serve` prints.
pub const DEFAULT_BASE: &str = "http://127.0.0.1:8080/";

const USAGE: &str = "\
qlab — run Quorum Lab scenarios from the command line

usage:
  qlab run FILE [--until-ms T]          run; print the final state as JSON
  qlab trace FILE [--until-ms T]        print every event, one JSON object a line
  qlab sweep FILE --seeds N [--chaos] [--until-ms T] [--base URL]
                                        rerun with seeds seed..seed+N-1; exit 1 on a violation
  qlab link FILE [--base URL] [--t MS]  print the shareable link
  qlab decode LINK                      print the scenario JSON in a link
  qlab bench                            run the fixed workload; print events per second

FILE is a scenario JSON file, '-' for standard input, or preset:NAME.
T defaults to the last script action + 5000 ms.";

/// An error that ends the command with exit code 2 and one line on stderr.
#[derive(Debug)]
pub struct Usage(pub String);

/// What a command printed and its exit code.
pub struct Outcome {
    /// Standard output.
    pub stdout: String,
    /// The exit code (0 ok, 1 sweep found a violation).
    pub code: i32,
}

/// Runs `qlab` with `args` (without the program name).
pub fn run(args: &[String]) -> Result<Outcome, Usage> {
    let Some((command, rest)) = args.split_first() else {
        return Err(Usage(format!("missing command\n{USAGE}")));
    };
    let mut opts = Options::parse(rest)?;
    let ok = |stdout: String| Ok(Outcome { stdout, code: 0 });
    match command.as_str() {
        "run" => {
            let scenario = opts.scenario()?;
            let until = opts.until(&scenario)?;
            opts.done()?;
            let mut world = protocols::build(&scenario);
            world.advance_to(until);
            ok(pretty(&world.report()))
        }
        "trace" => {
            let scenario = opts.scenario()?;
            let until = opts.until(&scenario)?;
            opts.done()?;
            let mut world = protocols::build(&scenario);
            world.keep_records(usize::MAX);
            let mut out = String::new();
            // Anything recorded while the world was built comes before the first step.
            let flush = |w: &mut Box<dyn Run>, out: &mut String| {
                for r in w.drain_records() {
                    let _ = writeln!(out, "{r}");
                }
            };
            flush(&mut world, &mut out);
            let mut next = 0;
            while next < until {
                next = (next + 1_000).min(until);
                world.advance_to(next);
                flush(&mut world, &mut out);
            }
            ok(out)
        }
        "sweep" => {
            let scenario = opts.scenario()?;
            let seeds = opts
                .number("--seeds")?
                .ok_or_else(|| Usage("sweep needs --seeds N".into()))?;
            if seeds == 0 || seeds > 1_000_000 {
                return Err(Usage("--seeds must be from 1 to 1000000".into()));
            }
            let chaos = opts.flag("--chaos");
            let until = opts.until(&scenario)?;
            let base = opts
                .text("--base")?
                .unwrap_or_else(|| DEFAULT_BASE.to_string());
            opts.done()?;
            let summary = sweep(&scenario, seeds, chaos, until, &base);
            let failed = summary["runs_with_violations"].as_u64().unwrap_or(0) > 0;
            Ok(Outcome {
                stdout: pretty(&summary),
                code: i32::from(failed),
            })
        }
        "link" => {
            let scenario = opts.scenario()?;
            let base = opts
                .text("--base")?
                .unwrap_or_else(|| DEFAULT_BASE.to_string());
            let t = opts.number("--t")?;
            opts.done()?;
            // The page refuses a link later than one day, so never print one.
            if let Some(t) = t.filter(|&t| t > crate::scenario::limits::MAX_AT_MS) {
                return Err(Usage(format!(
                    "--t {t} is later than one day ({} ms), which a link cannot ask for",
                    crate::scenario::limits::MAX_AT_MS
                )));
            }
            ok(format!("{}\n", link::to_link(&base, &scenario, t)))
        }
        "decode" => {
            let text = opts.positional("LINK")?;
            opts.done()?;
            let parsed = link::parse(&text).map_err(|e| Usage(e.to_string()))?;
            ok(format!("{}\n", parsed.scenario.to_json_pretty()))
        }
        "bench" => {
            opts.done()?;
            ok(pretty(&bench()))
        }
        "help" | "--help" | "-h" => ok(format!("{USAGE}\n")),
        other => Err(Usage(format!("unknown command {other:?}\n{USAGE}"))),
    }
}

fn pretty(v: &Value) -> String {
    format!(
        "{}\n",
        serde_json::to_string_pretty(v).expect("JSON values serialize")
    )
}

/// Reruns `scenario` with seeds `seed..seed+n-1` (and chaos drawn from each seed), on as
/// many threads as the machine has cores; the summary does not depend on the threads.
pub fn sweep(scenario: &Scenario, n: u64, chaos: bool, until: Time, base: &str) -> Value {
    let started = Instant::now();
    let threads = std::thread::available_parallelism()
        .map_or(1, |p| p.get())
        .min(n as usize);
    let run_seed = |i: u64| {
        let mut s = scenario.clone();
        s.seed = scenario.seed.wrapping_add(i);
        if chaos {
            add_chaos(&mut s, until);
        }
        let mut w = protocols::build(&s);
        w.advance_to(until);
        let broken: Vec<&'static str> = w.violations().iter().map(|v| v.invariant).collect();
        (s, w.events(), broken)
    };
    let mut results: Vec<(u64, u64, Vec<&'static str>, Option<Scenario>)> =
        std::thread::scope(|scope| {
            let handles: Vec<_> = (0..threads)
                .map(|k| {
                    let run_seed = &run_seed;
                    scope.spawn(move || {
                        (k as u64..n)
                            .step_by(threads)
                            .map(|i| {
                                let (s, events, broken) = run_seed(i);
                                let keep = (!broken.is_empty()).then_some(s);
                                (i, events, broken, keep)
                            })
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().expect("sweep threads do not panic"))
                .collect()
        });
    results.sort_by_key(|r| r.0);
    let events: u64 = results.iter().map(|r| r.1).sum();
    let failing: Vec<_> = results.iter().filter(|r| !r.2.is_empty()).collect();
    let mut by_invariant = serde_json::Map::new();
    for r in &failing {
        for inv in &r.2 {
            let count = by_invariant.entry(inv.to_string()).or_insert(json!(0));
            *count = json!(count.as_u64().unwrap_or(0) + 1);
        }
    }
    let first = failing.first();
    json!({
        "runs": n,
        "runs_with_violations": failing.len(),
        "violations_by_invariant": by_invariant,
        "first_failing_seed": first.map(|r| scenario.seed.wrapping_add(r.0)),
        "first_failing_link": first.and_then(|r| r.3.as_ref()).map(|s| link::to_link(base, s, None)),
        "chaos": chaos,
        "until_ms": until,
        "events": events,
        "wall_ms": started.elapsed().as_millis() as u64,
    })
}

/// The fixed workload of SCENARIO.md's `qlab bench`, plus the cost of cloning a world.
pub fn bench() -> Value {
    const SIM_MS: Time = 60_000;
    let spec = PROTOCOLS[0];
    let mut w = workload::start(spec);
    let started = Instant::now();
    workload::drive(&mut *w, SIM_MS);
    let secs = started.elapsed().as_secs_f64();
    let events = w.events();
    // Clone cost of a 5-node world after 10 s of the workload (logs of about 1,000 entries).
    let mut small = workload::start(spec);
    workload::drive(&mut *small, 10_050);
    let log_len = small.panel_extent("logs");
    let clones = 2_000;
    let started = Instant::now();
    let mut keep = 0;
    for _ in 0..clones {
        let c = std::hint::black_box(small.boxed());
        keep += c.events();
    }
    std::hint::black_box(keep);
    let clone_us = started.elapsed().as_secs_f64() * 1e6 / clones as f64;
    // Seeking to random times of a 10-minute run (the page's time travel).
    let (_, history) = workload::live_run(spec, 600_000);
    let mut rng = crate::sim::rng::Rng::new(7, 0);
    let mut seek_ms: Vec<f64> = (0..200)
        .map(|_| {
            let t = rng.range_inclusive(0, 600_000);
            let started = Instant::now();
            std::hint::black_box(history.seek(t, 0));
            started.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    seek_ms.sort_by(f64::total_cmp);
    let p95 = seek_ms[seek_ms.len() * 95 / 100];
    json!({
        "workload": "raft, 5 nodes, auto network 10-30 ms, a client request every 10 ms, 60 s simulated",
        "events": events,
        "wall_ms": (secs * 1000.0).round() as u64,
        "events_per_sec": (events as f64 / secs).round() as u64,
        "trace_hash": w.trace_hash(),
        "clone_world_log_entries": log_len,
        "clone_world_us": (clone_us * 100.0).round() / 100.0,
        "seek_10_min_run_p95_ms": (p95 * 1000.0).round() / 1000.0,
        "seek_10_min_run_max_ms": (seek_ms[seek_ms.len() - 1] * 1000.0).round() / 1000.0,
        "history_checkpoints": history.checkpoints(),
    })
}

/// The flags that take a value (every other `--flag` is a switch).
const VALUE_FLAGS: [&str; 4] = ["--seeds", "--base", "--t", "--until-ms"];

/// Parsed `FILE` and `--flag value` arguments; each is taken once, and `done` rejects
/// whatever was left over.
struct Options {
    args: Vec<String>,
}

impl Options {
    fn parse(args: &[String]) -> Result<Options, Usage> {
        Ok(Options {
            args: args.to_vec(),
        })
    }

    fn take_value(&mut self, flag: &str) -> Result<Option<String>, Usage> {
        let Some(i) = self.args.iter().position(|a| a == flag) else {
            return Ok(None);
        };
        if i + 1 >= self.args.len() {
            return Err(Usage(format!("{flag} needs a value")));
        }
        let v = self.args.remove(i + 1);
        self.args.remove(i);
        Ok(Some(v))
    }

    fn text(&mut self, flag: &str) -> Result<Option<String>, Usage> {
        self.take_value(flag)
    }

    fn number(&mut self, flag: &str) -> Result<Option<u64>, Usage> {
        match self.take_value(flag)? {
            None => Ok(None),
            Some(v) => v
                .parse()
                .map(Some)
                .map_err(|_| Usage(format!("{flag} must be a whole number, not {v:?}"))),
        }
    }

    fn flag(&mut self, flag: &str) -> bool {
        match self.args.iter().position(|a| a == flag) {
            Some(i) => {
                self.args.remove(i);
                true
            }
            None => false,
        }
    }

    /// The first argument that is neither a flag nor the value of one, so that
    /// `qlab run --until-ms 2500 FILE` and `qlab run FILE --until-ms 2500` agree.
    fn positional(&mut self, what: &str) -> Result<String, Usage> {
        let found = (0..self.args.len()).find(|&i| {
            let a = &self.args[i];
            let after_value_flag = i > 0 && VALUE_FLAGS.contains(&self.args[i - 1].as_str());
            (!a.starts_with("--") || a == "-") && !after_value_flag
        });
        match found {
            Some(i) => Ok(self.args.remove(i)),
            None => Err(Usage(format!("missing {what}"))),
        }
    }

    fn scenario(&mut self) -> Result<Scenario, Usage> {
        let file = self.positional("FILE")?;
        let text = if let Some(name) = file.strip_prefix("preset:") {
            let json = presets::sources()
                .find(|(_, p)| p.id == name)
                .map(|(_, p)| p.json);
            json.ok_or_else(|| {
                let ids: Vec<&str> = presets::sources().map(|(_, p)| p.id).collect();
                Usage(format!("no preset {name:?} (presets: {})", ids.join(", ")))
            })?
            .to_string()
        } else if file == "-" {
            let mut s = String::new();
            std::io::Read::read_to_string(&mut std::io::stdin(), &mut s)
                .map_err(|e| Usage(format!("cannot read standard input: {e}")))?;
            s
        } else {
            std::fs::read_to_string(&file).map_err(|e| Usage(format!("{file}: {e}")))?
        };
        Scenario::from_json(&text).map_err(|e| Usage(format!("{file}: {e}")))
    }

    fn until(&mut self, scenario: &Scenario) -> Result<Time, Usage> {
        Ok(self
            .number("--until-ms")?
            .unwrap_or_else(|| scenario.default_until_ms()))
    }

    fn done(self) -> Result<(), Usage> {
        match self.args.first() {
            None => Ok(()),
            Some(a) => Err(Usage(format!("unexpected argument {a:?}"))),
        }
    }
}
