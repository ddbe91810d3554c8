//! The `qlab` command-line tool of `SCENARIO.md`: run, trace, export, sweep, link, decode,
//! bench, check.
//!
//! Arguments are parsed by clap from the types below; their doc comments are the help
//! text. Every failure is a value: a bad file or argument, clap's own complaints included,
//! prints one line on stderr and exits 2 (`qlab help` and `--help` print the usage and
//! exit 0).

use std::fmt::Write as _;
use std::time::Instant;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand};
use serde_json::{json, Map, Value};

use crate::check::{self, Format, FORMATS};
use crate::protocols::ring::cli::{self as ring, Membership};
use crate::protocols::ring::model::Scheme;
use crate::protocols::spec::Chaos;
use crate::protocols::{self, workload, Run, Spec, PROTOCOLS};
use crate::scenario::chaos::run_chaos;
use crate::scenario::{limits, link, presets, Scenario};
use crate::sim::clocks::{Clocks, Happening};
use crate::sim::{shiviz, Time};

/// How long a chaos sweep runs each seed when `--until-ms` is not given: eleven seconds
/// of faults, then the calm end (`chaos::CALM_END_MS`) for the cluster to settle.
pub const CHAOS_RUN_MS: Time = 15_000;

/// Where links point when `--base` is not given: the address `scripts/serve` prints.
pub const DEFAULT_BASE: &str = "http://127.0.0.1:8080/";

/// The most seeds one sweep may run.
const MAX_SEEDS: u64 = 1_000_000;

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

/// qlab — run Quorum Lab scenarios from the command line
#[derive(Parser)]
#[command(
    name = "qlab",
    subcommand_required = true,
    arg_required_else_help = false
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// The subcommands. Each one's synopsis (`override_usage`) and first doc line make up the
/// overview that `qlab help` prints.
#[derive(Subcommand)]
enum Command {
    /// run; print the final state as JSON
    #[command(override_usage = "qlab run FILE [--until-ms T]")]
    Run(RunArgs),
    /// print every event, one JSON object a line
    #[command(override_usage = "qlab trace FILE [--until-ms T] [--clocks]")]
    Trace(TraceArgs),
    /// print the run as a log another tool reads (ShiViz)
    #[command(override_usage = "qlab export FILE --format shiviz [--until-ms T]")]
    Export(ExportArgs),
    /// rerun with seeds seed..seed+N-1; exit 1 on a violation
    #[command(override_usage = "qlab sweep FILE --seeds N [--chaos] [--until-ms T] [--base URL]")]
    Sweep(SweepArgs),
    /// print the shareable link
    #[command(override_usage = "qlab link FILE [--base URL] [--t MS]")]
    Link(LinkArgs),
    /// print the scenario JSON in a link
    #[command(override_usage = "qlab decode LINK")]
    Decode(DecodeArgs),
    /// run the fixed workload; print events per second
    #[command(override_usage = "qlab bench [--protocol NAME]")]
    Bench(BenchArgs),
    /// check recorded histories for linearizability; exit 1 if one is not
    #[command(override_usage = "qlab check HISTORY... [--format F] [--budget STEPS]")]
    Check(CheckArgs),
    /// place keys on nodes, change the membership; print the load and the keys moved
    #[command(
        override_usage = "qlab ring --scheme mod|ring|jump|rendezvous --nodes N [--vnodes V] [--keys K] [--add A | --remove R]"
    )]
    Ring(RingArgs),
}

/// The scenario a command reads.
#[derive(Args)]
struct Input {
    /// A scenario JSON file, `-` for standard input, or `preset:NAME`
    #[arg(value_name = "FILE")]
    file: String,
}

/// How long a command runs the scenario.
#[derive(Args)]
struct Until {
    /// Simulated time to run to, in ms [default: the last script action + 5000]
    #[arg(long = "until-ms", value_name = "T", value_parser = whole, allow_negative_numbers = true)]
    until_ms: Option<Time>,
}

/// Where a printed link points.
#[derive(Args)]
struct Base {
    /// The page's address the link opens
    #[arg(long, value_name = "URL", default_value = DEFAULT_BASE)]
    base: String,
}

/// `run` and `trace`: a scenario and how long to run it.
#[derive(Args)]
struct RunArgs {
    #[command(flatten)]
    input: Input,
    #[command(flatten)]
    until: Until,
}

/// `trace`: a scenario, how long to run it, and whether to add the clocks.
#[derive(Args)]
struct TraceArgs {
    #[command(flatten)]
    input: Input,
    #[command(flatten)]
    until: Until,
    /// Add to every event at a node (a send, a delivery, a timer, a handled action, and
    /// the notes its handler wrote) that node's Lamport and vector clocks after it:
    /// "lamport": 7, "vector": [3, 0, 2] (entry i is node i+1's)
    #[arg(long)]
    clocks: bool,
}

/// `export`: a scenario, how long to run it, and the log format.
#[derive(Args)]
struct ExportArgs {
    #[command(flatten)]
    input: Input,
    /// The log format: shiviz (each event's description, then `S3 {"S1": 2, "S3": 5}`:
    /// its node and vector clock, for ShiViz's default parser)
    #[arg(long, value_name = "F", value_parser = export_format)]
    format: ExportFormat,
    #[command(flatten)]
    until: Until,
}

/// `sweep`: a scenario, how many seeds, and what to add to each run.
#[derive(Args)]
struct SweepArgs {
    #[command(flatten)]
    input: Input,
    /// How many seeds to run, from the scenario's own seed up
    #[arg(long, value_name = "N", value_parser = seeds, allow_negative_numbers = true)]
    seeds: u64,
    /// Add each seed's own mix of crashes, restarts, partitions, cuts, loss, nudges and
    /// client actions (swarm-style); runs then last at least 15000 ms unless --until-ms
    /// says otherwise
    #[arg(long)]
    chaos: bool,
    #[command(flatten)]
    until: Until,
    #[command(flatten)]
    base: Base,
}

/// `link`: a scenario and where its link points.
#[derive(Args)]
struct LinkArgs {
    #[command(flatten)]
    input: Input,
    #[command(flatten)]
    base: Base,
    /// The simulated time the page opens at, in ms
    #[arg(long = "t", value_name = "MS", value_parser = whole, allow_negative_numbers = true)]
    t: Option<Time>,
}

/// `decode`: the link to read.
#[derive(Args)]
struct DecodeArgs {
    /// A link, its fragment (`#s=…`) or its payload
    #[arg(value_name = "LINK")]
    link: String,
}

/// `bench`: which protocol's workload.
#[derive(Args)]
struct BenchArgs {
    /// The protocol whose workload runs [default: the first registered]
    #[arg(long, value_name = "NAME", value_parser = protocol)]
    protocol: Option<&'static Spec>,
}

/// `check`: the history files and how to read and check them.
///
/// Prints one JSON line per file. Exit 0 when every history is linearizable, 1 when one
/// is not, 3 when none is shown not to be but the budget ran out before one was decided
/// (`"linearizable": null`), and 2 on a bad file or argument, before checking any.
#[derive(Args)]
struct CheckArgs {
    /// History files: `qlab run` output or its history array, Jepsen etcd logs, EDN op maps;
    /// `-` for standard input
    #[arg(value_name = "HISTORY", required = true, num_args = 1..)]
    files: Vec<String>,
    /// The files' format: qlab, jepsen-log, kv-edn or edn [default: told from the content]
    #[arg(long, value_name = "F", value_parser = history_format)]
    format: Option<Format>,
    /// Stop each history's search after this many steps and answer "unknown" (exit 3)
    #[arg(long, value_name = "STEPS", value_parser = whole, allow_negative_numbers = true)]
    budget: Option<u64>,
}

/// `ring`: the scheme, the cluster, the keys and the membership change.
#[derive(Args)]
struct RingArgs {
    /// How keys are placed: mod (hash mod N), ring (consistent hashing with vnodes), jump
    /// (jump consistent hash), rendezvous (highest random weight) or range (ranges of
    /// names; a join splits the fullest)
    #[arg(long, value_name = "S", value_parser = scheme)]
    scheme: Scheme,
    /// Nodes before the change: node-1 … node-N
    #[arg(long, value_name = "N", value_parser = whole_u32, allow_negative_numbers = true)]
    nodes: u32,
    /// Points on the ring per node (scheme ring); vnode i of node n is at hash("node-n#i")
    #[arg(long, value_name = "V", default_value_t = 1, value_parser = whole_u32, allow_negative_numbers = true)]
    vnodes: u32,
    /// Keys placed: key-0 … key-(K-1)
    #[arg(long, value_name = "K", default_value_t = 10_000, value_parser = whole_u32, allow_negative_numbers = true)]
    keys: u32,
    /// Nodes that join (node-(N+1), …)
    #[arg(long, value_name = "A", value_parser = whole_u32, allow_negative_numbers = true, conflicts_with = "remove")]
    add: Option<u32>,
    /// Nodes that leave, the last first
    #[arg(long, value_name = "R", value_parser = whole_u32, allow_negative_numbers = true)]
    remove: Option<u32>,
}

/// `--scheme`: a placement scheme's name.
fn scheme(text: &str) -> Result<Scheme, String> {
    Scheme::parse(text).ok_or_else(|| {
        let known: Vec<&str> = Scheme::ALL.iter().map(|s| s.name()).collect();
        format!("must be one of {}, not {text:?}", known.join(", "))
    })
}

/// A whole number that fits 32 bits.
fn whole_u32(text: &str) -> Result<u32, String> {
    text.parse()
        .map_err(|_| format!("must be a whole number up to {}, not {text:?}", u32::MAX))
}

/// `--format`: the name of a history format.
fn history_format(text: &str) -> Result<Format, String> {
    Format::from_name(text).ok_or_else(|| {
        let known: Vec<&str> = FORMATS.iter().map(|f| f.name()).collect();
        format!("must be one of {}, not {text:?}", known.join(", "))
    })
}

/// The logs `qlab export` writes.
#[derive(Clone, Copy)]
enum ExportFormat {
    /// ShiViz's, for its default parser (see [`crate::sim::shiviz`]).
    Shiviz,
}

/// `export --format`: a log format (ShiViz's is the only one so far).
fn export_format(text: &str) -> Result<ExportFormat, String> {
    match text {
        "shiviz" => Ok(ExportFormat::Shiviz),
        _ => Err(format!("must be shiviz, not {text:?}")),
    }
}

/// A whole number (clap says which flag it was for).
fn whole(text: &str) -> Result<u64, String> {
    text.parse()
        .map_err(|_| format!("must be a whole number, not {text:?}"))
}

/// `--seeds`: a whole number from 1 to [`MAX_SEEDS`].
fn seeds(text: &str) -> Result<u64, String> {
    let n = whole(text)?;
    if (1..=MAX_SEEDS).contains(&n) {
        Ok(n)
    } else {
        Err(format!("must be from 1 to {MAX_SEEDS}"))
    }
}

/// `--protocol`: the name of a registered protocol.
fn protocol(text: &str) -> Result<&'static Spec, String> {
    protocols::find(text).ok_or_else(|| {
        let known: Vec<&str> = PROTOCOLS.iter().map(|p| p.name).collect();
        format!("must name a protocol ({}), not {text:?}", known.join(", "))
    })
}

/// What `qlab help` prints: each command's synopsis and what it does, then what the
/// arguments mean.
fn overview(cli: &clap::Command) -> String {
    let mut out = String::new();
    if let Some(about) = cli.get_about() {
        let _ = writeln!(out, "{about}\n");
    }
    out.push_str("usage:\n");
    let mut line = |usage: &str, about: &str| {
        // Short synopses and their explanation share a line; a long one gets its own.
        if usage.len() <= 36 {
            let _ = writeln!(out, "  {usage:<38}{about}");
        } else {
            let _ = writeln!(out, "  {usage}\n  {:<38}{about}", "");
        }
    };
    for sub in cli.get_subcommands() {
        let usage = sub.get_overridden_usage().map(|u| u.to_string());
        let about = sub.get_about().map(|a| a.to_string()).unwrap_or_default();
        line(usage.as_deref().unwrap_or(sub.get_name()), &about);
    }
    line("qlab help [COMMAND]", "this text, or a command's options");
    out.push_str(
        "\nFILE is a scenario JSON file, '-' for standard input, or preset:NAME.\n\
         T defaults to the last script action + 5000 ms.",
    );
    out
}

/// The parser, its overview in place of clap's generated top-level help.
fn parser() -> clap::Command {
    let cli = Cli::command();
    let help = overview(&cli);
    cli.override_help(help)
}

/// A context string clap attached to its error, if it did.
fn context(e: &clap::Error, kind: ContextKind) -> Option<String> {
    match e.get(kind)? {
        ContextValue::String(s) => Some(s.clone()),
        ContextValue::Strings(v) => Some(v.join(", ")),
        ContextValue::StyledStr(s) => Some(s.to_string()),
        _ => None,
    }
}

/// The names of the commands, for errors that need them.
fn command_names(cli: &clap::Command) -> String {
    let names: Vec<&str> = cli.get_subcommands().map(|c| c.get_name()).collect();
    format!("{}, help", names.join(", "))
}

/// Clap's complaint as one line in the words of the rest of the tool. clap writes
/// several lines (a usage, a tip); scripts and SCENARIO.md want one.
fn one_line(e: &clap::Error) -> String {
    // "--until-ms <T>" names the flag as "--until-ms"; "<FILE>" names the argument "FILE".
    let arg = context(e, ContextKind::InvalidArg).map(|a| {
        let a = a.split(' ').next().unwrap_or_default().to_string();
        a.trim_matches(['<', '>']).to_string()
    });
    let value = context(e, ContextKind::InvalidValue).unwrap_or_default();
    let source = std::error::Error::source(e).map(|s| s.to_string());
    match (e.kind(), arg) {
        // "missing FILE", "missing --seeds N".
        (ErrorKind::MissingRequiredArgument, Some(_)) => {
            let required = context(e, ContextKind::InvalidArg).unwrap_or_default();
            format!("missing {}", required.replace(['<', '>'], ""))
        }
        (ErrorKind::ValueValidation, Some(arg)) => match source {
            Some(why) => format!("{arg} {why}"),
            None => format!("{arg}: invalid value {value:?}"),
        },
        (ErrorKind::InvalidValue, Some(arg)) if value.is_empty() => format!("{arg} needs a value"),
        (ErrorKind::UnknownArgument, Some(arg)) => format!("unexpected argument {arg:?}"),
        (ErrorKind::InvalidSubcommand, _) => format!(
            "unknown command {:?} (commands: {})",
            context(e, ContextKind::InvalidSubcommand).unwrap_or_default(),
            command_names(&Cli::command())
        ),
        (ErrorKind::MissingSubcommand | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand, _) => {
            format!(
                "missing command (commands: {}; `qlab help` explains them)",
                command_names(&Cli::command())
            )
        }
        _ => {
            // Anything else: clap's own first line, without its "error: ".
            let text = e.to_string();
            let first = text.lines().next().unwrap_or("invalid arguments");
            first.trim_start_matches("error: ").to_string()
        }
    }
}

/// Runs `qlab` with `args` (without the program name).
pub fn run(args: &[String]) -> Result<Outcome, Usage> {
    let argv = std::iter::once("qlab").chain(args.iter().map(String::as_str));
    let matches = match parser().try_get_matches_from(argv) {
        Ok(m) => m,
        Err(e) if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) => {
            return Ok(Outcome {
                stdout: format!("{}\n", e.to_string().trim_end()),
                code: 0,
            })
        }
        Err(e) => return Err(Usage(one_line(&e))),
    };
    let cli = Cli::from_arg_matches(&matches).map_err(|e| Usage(one_line(&e)))?;
    let ok = |stdout: String| Ok(Outcome { stdout, code: 0 });
    match cli.command {
        Command::Run(a) => {
            let scenario = read_scenario(&a.input.file)?;
            let mut world = protocols::build(&scenario);
            world.advance_to(a.until.of(&scenario));
            world.check_at_end();
            ok(pretty(&world.report()))
        }
        Command::Trace(a) => {
            let scenario = read_scenario(&a.input.file)?;
            ok(trace(&scenario, a.until.of(&scenario), a.clocks))
        }
        Command::Export(a) => {
            let scenario = read_scenario(&a.input.file)?;
            let until = a.until.of(&scenario);
            ok(match a.format {
                ExportFormat::Shiviz => export_shiviz(&scenario, until),
            })
        }
        Command::Sweep(a) => {
            let scenario = read_scenario(&a.input.file)?;
            // Chaos needs time to act and then to settle: at least CHAOS_RUN_MS.
            let until = match (a.chaos, a.until.until_ms) {
                (true, None) => a.until.of(&scenario).max(CHAOS_RUN_MS),
                _ => a.until.of(&scenario),
            };
            let summary = sweep(&scenario, a.seeds, a.chaos, until, &a.base.base);
            let failed = summary["runs_with_violations"].as_u64().unwrap_or(0) > 0;
            Ok(Outcome {
                stdout: pretty(&summary),
                code: i32::from(failed),
            })
        }
        Command::Link(a) => {
            let scenario = read_scenario(&a.input.file)?;
            // The page refuses a link later than one day, so never print one.
            if let Some(t) = a.t.filter(|&t| t > limits::MAX_AT_MS) {
                return Err(Usage(format!(
                    "--t {t} is later than one day ({} ms), which a link cannot ask for",
                    limits::MAX_AT_MS
                )));
            }
            ok(format!("{}\n", link::to_link(&a.base.base, &scenario, a.t)))
        }
        Command::Decode(a) => {
            let parsed = link::parse(&a.link).map_err(|e| Usage(e.to_string()))?;
            ok(format!("{}\n", parsed.scenario.to_json_pretty()))
        }
        Command::Bench(a) => ok(pretty(&bench(a.protocol.unwrap_or(PROTOCOLS[0])))),
        Command::Check(a) => check_files(&a),
        Command::Ring(a) => {
            let change = match (a.add, a.remove) {
                (Some(n), _) => Membership::Add(n),
                (_, Some(n)) => Membership::Remove(n),
                _ => Membership::Same,
            };
            ring::ring(a.scheme, a.nodes, a.vnodes, a.keys, change)
                .map(|v| Outcome {
                    stdout: format!("{}\n", serde_json::to_string(&v).unwrap_or_default()),
                    code: 0,
                })
                .map_err(Usage)
        }
    }
}

/// Exit code of `qlab check` when a budget ran out before a verdict.
pub const EXIT_UNKNOWN: i32 = 3;

/// `qlab check`: reads every file first (a bad one ends the command with exit 2 before
/// anything is checked), then checks each and prints its report as one JSON line.
fn check_files(a: &CheckArgs) -> Result<Outcome, Usage> {
    let mut prepared = Vec::with_capacity(a.files.len());
    for file in &a.files {
        let text = read_text(file)?;
        let p = check::prepare(&text, a.format).map_err(|e| Usage(format!("{file}: {e}")))?;
        prepared.push((file, p));
    }
    let options = check::Options {
        format: a.format,
        budget: a.budget,
        ..check::Options::default()
    };
    let mut out = String::new();
    let (mut violated, mut unknown) = (false, false);
    for (file, p) in prepared {
        let checked = check::check(p, &options);
        match checked.report.verdict {
            check::Verdict::NotLinearizable => violated = true,
            check::Verdict::Unknown => unknown = true,
            check::Verdict::Linearizable => {}
        }
        let mut line = Map::new();
        line.insert("file".into(), json!(file));
        if let Value::Object(fields) = checked.report.to_json(&checked.history.ops) {
            line.extend(fields);
        }
        let _ = writeln!(out, "{}", Value::Object(line));
    }
    let code = if violated {
        1
    } else if unknown {
        EXIT_UNKNOWN
    } else {
        0
    };
    Ok(Outcome { stdout: out, code })
}

impl Until {
    /// `--until-ms`, or the scenario's default end.
    fn of(&self, scenario: &Scenario) -> Time {
        self.until_ms.unwrap_or_else(|| scenario.default_until_ms())
    }
}

/// Reads the scenario `FILE` names: a path, `-` for standard input, or `preset:NAME`.
fn read_scenario(file: &str) -> Result<Scenario, Usage> {
    let text = if let Some(name) = file.strip_prefix("preset:") {
        let (_, preset) = presets::sources()
            .find(|(_, p)| p.id == name)
            .ok_or_else(|| {
                let ids: Vec<&str> = presets::sources().map(|(_, p)| p.id).collect();
                Usage(format!("no preset {name:?} (presets: {})", ids.join(", ")))
            })?;
        preset.json.to_string()
    } else {
        read_text(file)?
    };
    Scenario::from_json(&text).map_err(|e| Usage(format!("{file}: {e}")))
}

/// Reads the file `file` names, or standard input for `-`.
fn read_text(file: &str) -> Result<String, Usage> {
    if file == "-" {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut s)
            .map_err(|e| Usage(format!("cannot read standard input: {e}")))?;
        Ok(s)
    } else {
        std::fs::read_to_string(file).map_err(|e| Usage(format!("{file}: {e}")))
    }
}

fn pretty(v: &Value) -> String {
    format!(
        "{}\n",
        serde_json::to_string_pretty(v).expect("JSON values serialize")
    )
}

/// Runs `scenario` to `until`, handing the run to `take` whenever it has records to take
/// out: first those recorded while the world was built, then a second of simulated time
/// at a time, so the kept window stays small.
fn drive(scenario: &Scenario, until: Time, mut take: impl FnMut(&mut dyn Run)) {
    let mut world = protocols::build(scenario);
    world.keep_records(usize::MAX);
    take(&mut *world);
    let mut next = 0;
    while next < until {
        next = (next + 1_000).min(until);
        world.advance_to(next);
        take(&mut *world);
    }
}

/// `qlab trace`: every record of the run up to `until`, one JSON object a line; with
/// `clocks`, each record of an event at a node carries the node's clocks after it (see
/// [`crate::sim::clocks`]).
pub fn trace(scenario: &Scenario, until: Time, clocks: bool) -> String {
    let mut out = String::new();
    if !clocks {
        drive(scenario, until, |w| {
            for r in w.drain_records() {
                let _ = writeln!(out, "{r}");
            }
        });
        return out;
    }
    let mut clocks = Clocks::new(scenario.nodes);
    drive(scenario, until, |w| {
        for mut r in w.drain_plain() {
            if let Some(stamp) = r.happening.and_then(|h| clocks.observe(h)) {
                r.json["lamport"] = stamp.lamport.into();
                r.json["vector"] = stamp.vector.clone().into();
            }
            let _ = writeln!(out, "{}", r.json);
        }
    });
    out
}

/// `qlab export --format shiviz`: the run up to `until` as a ShiViz log (see
/// [`crate::sim::shiviz`]). Each event is described as the trace says it, with its time
/// and record number.
pub fn export_shiviz(scenario: &Scenario, until: Time) -> String {
    let mut clocks = Clocks::new(scenario.nodes);
    let mut log = shiviz::Writer::new(scenario.nodes);
    drive(scenario, until, |w| {
        for r in w.drain_plain() {
            let Some(happening) = r.happening else {
                continue;
            };
            let Some(stamp) = clocks.observe(happening) else {
                continue;
            };
            let node = happening
                .node()
                .expect("a happening with clocks is at a node");
            if matches!(happening, Happening::During { .. }) {
                log.note(node, &r.text);
            } else {
                let text = format!("{} (at {} ms, #{})", r.text, r.at_ms, r.seq);
                log.event(node, &text, stamp);
            }
        }
    });
    log.finish()
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
        // Under chaos the run records the faults it was dealt in `s`'s script, so a
        // failing seed's scenario replays it exactly.
        let w = if chaos {
            run_chaos(&mut s, until).0
        } else {
            let mut w = protocols::build(&s);
            w.advance_to(until);
            w.check_at_end();
            w
        };
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

/// Simulated time of `qlab bench`'s throughput run.
const BENCH_SIM_MS: Time = 60_000;
/// The workload run whose copies `qlab bench` times (about 1,000 Raft log entries).
const BENCH_CLONE_AT_MS: Time = 10_050;
/// The live run `qlab bench` seeks in: ten minutes, as a long session in the page.
const BENCH_SEEK_RUN_MS: Time = 600_000;

/// The fixed workload of SCENARIO.md's `qlab bench` for `spec` (see [`workload`]): events
/// per second, the cost of copying a run (the page copies one every frame) and of seeking
/// in a ten-minute history (time travel).
pub fn bench(spec: &'static Spec) -> Value {
    let mut w = workload::start(spec);
    let started = Instant::now();
    workload::drive(&mut *w, BENCH_SIM_MS);
    let secs = started.elapsed().as_secs_f64();
    let events = w.events();
    let network = w.network();
    let action = spec
        .commands
        .iter()
        .find(|c| c.chaos == Chaos::Load)
        .map_or("client action", |c| c.verb);
    let description = format!(
        "{}, {} nodes, {} network {}-{} ms, a {action} every {} ms, {} s simulated",
        spec.name,
        w.size(),
        network.mode.name(),
        network.latency_ms.0,
        network.latency_ms.1,
        workload::REQUEST_EVERY_MS,
        BENCH_SIM_MS / 1_000
    );

    let mut small = workload::start(spec);
    workload::drive(&mut *small, BENCH_CLONE_AT_MS);
    // The longest log a panel of the run spans (Raft: the longest node log).
    let log_len = small
        .panels()
        .iter()
        .map(|p| small.panel_extent(p.id))
        .max()
        .unwrap_or(0);
    let clones = 2_000;
    let started = Instant::now();
    let mut keep = 0;
    for _ in 0..clones {
        let c = std::hint::black_box(small.boxed());
        keep += c.events();
    }
    std::hint::black_box(keep);
    let clone_us = started.elapsed().as_secs_f64() * 1e6 / clones as f64;

    let (_, history) = workload::live_run(spec, BENCH_SEEK_RUN_MS);
    let mut rng = crate::sim::rng::Rng::new(7, 0);
    let mut seek_ms: Vec<f64> = (0..200)
        .map(|_| {
            let t = rng.range_inclusive(0, BENCH_SEEK_RUN_MS);
            let started = Instant::now();
            std::hint::black_box(history.seek(t, 0));
            started.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    seek_ms.sort_by(f64::total_cmp);
    let p95 = seek_ms[seek_ms.len() * 95 / 100];
    json!({
        "protocol": spec.name,
        "workload": description,
        "events": events,
        "wall_ms": (secs * 1000.0).round() as u64,
        "events_per_sec": (events as f64 / secs).round() as u64,
        "trace_hash": w.trace_hash(),
        "clone_world_events": small.events(),
        "clone_world_log_entries": log_len,
        "clone_world_us": (clone_us * 100.0).round() / 100.0,
        "seek_10_min_run_p95_ms": (p95 * 1000.0).round() / 1000.0,
        "seek_10_min_run_max_ms": (seek_ms[seek_ms.len() - 1] * 1000.0).round() / 1000.0,
        "history_checkpoints": history.checkpoints(),
    })
}
