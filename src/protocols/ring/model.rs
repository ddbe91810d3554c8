//! A placement of keys on members under one scheme, kept up to date change by change.
//!
//! Members are `node-1`, `node-2`, … (ids are never reused); keys are `key-0`, `key-1`, …
//! or names given. Every scheme places by [`hash64`] of the names:
//! - [`Scheme::Mod`]: member number `hash mod N` (in member order). Nearly every key moves
//!   when `N` changes: the "remap storm" consistent hashing exists to avoid.
//! - [`Scheme::Ring`]: each member has `vnodes × weight` points on a ring of `2^64`
//!   positions, point `i` of member `n` at `hash64("node-n#i")`; a key belongs to the first
//!   point clockwise from its hash (Karger et al. 1997; Dynamo §4.2). A join takes over
//!   only the arcs before its points, a leave hands over only its own keys.
//! - [`Scheme::Jump`]: bucket [`jump`]`(hash, N)` in member order; members join and leave
//!   only at the end (Lamping and Veach 2014).
//! - [`Scheme::Rendezvous`]: the member with the highest score for the key (Thaler and
//!   Ravishankar 1996) by `u = mix(hash(key) ^ hash(member))`, as the weighted-HRW
//!   score `−w / ln(u)` (Schindelhauer and Schomaker 2005; equal weights order as `u`).
//! - [`Scheme::Range`]: keys in name order, cut into ranges, each held by one member (as
//!   Bigtable's tablets and HBase's regions are). A join splits the fullest range at its
//!   median and takes the upper half; a leaver's ranges go to the least-loaded members.
//!   Names that sort together (timestamps, a shared prefix) all land in one range: the
//!   hot spot that hashing avoids.
//!
//! Big vectors sit behind `Rc` and are copied only when changed, so a placement is
//! cheap to clone.

use std::rc::Rc;

use super::hash::{hash64, ln, mix, unit};
use super::jump::jump;

/// The most members a placement holds.
pub const MAX_MEMBERS: u32 = 1_000;
/// The most points one member may have on the ring (`vnodes × weight`).
pub const MAX_POINTS_PER_MEMBER: u32 = 4_096;
/// The most vnodes per weight unit.
pub const MAX_VNODES: u32 = 1_024;
/// The largest weight.
pub const MAX_WEIGHT: u32 = 100;
/// The most keys a placement holds.
pub const MAX_KEYS: usize = 1_000_000;

/// How keys are placed on members.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scheme {
    /// `hash mod N`.
    Mod,
    /// Consistent hashing on a ring, with virtual nodes.
    Ring,
    /// Jump consistent hash.
    Jump,
    /// Rendezvous (highest random weight) hashing.
    Rendezvous,
    /// Range partitioning: each node holds ranges of the keys in name order.
    Range,
}

impl Scheme {
    /// Every scheme.
    pub const ALL: [Scheme; 5] = [
        Scheme::Mod,
        Scheme::Ring,
        Scheme::Jump,
        Scheme::Rendezvous,
        Scheme::Range,
    ];

    /// Its name in scenarios and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Scheme::Mod => "mod",
            Scheme::Ring => "ring",
            Scheme::Jump => "jump",
            Scheme::Rendezvous => "rendezvous",
            Scheme::Range => "range",
        }
    }

    /// The scheme called `name`.
    pub fn parse(name: &str) -> Option<Scheme> {
        Scheme::ALL.into_iter().find(|s| s.name() == name)
    }

    /// For people.
    pub fn title(self) -> &'static str {
        match self {
            Scheme::Mod => "Hash mod N",
            Scheme::Ring => "Consistent hashing",
            Scheme::Jump => "Jump hash",
            Scheme::Rendezvous => "Rendezvous (HRW)",
            Scheme::Range => "Range partitioning",
        }
    }
}

/// A member's id: `node-<id>`.
pub type MemberId = u32;

/// A physical node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Member {
    /// Its id, from 1, never reused.
    pub id: MemberId,
    /// Its capacity relative to a plain member (ring points and rendezvous scores scale).
    pub weight: u32,
    /// Its points on the ring per unit of weight.
    pub vnodes: u32,
}

impl Member {
    /// `node-3`.
    pub fn name(&self) -> String {
        format!("node-{}", self.id)
    }
}

/// A point of the ring: vnode `vnode` of `member`, at `position = hash64("node-m#v")`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Point {
    /// Where on the ring.
    pub position: u64,
    /// Whose point it is.
    pub member: MemberId,
    /// Which of the member's points.
    pub vnode: u32,
}

/// A range of the key space (scheme Range): the keys whose names sort from `start` up to
/// the next range's start.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyRange {
    /// Its first name (`""` for the first range).
    pub start: String,
    /// Who holds it.
    pub member: MemberId,
    /// How many keys it holds.
    pub keys: u64,
}

/// What a change did.
#[derive(Clone, Debug, PartialEq)]
pub struct Change {
    /// In words: "node-11 joined".
    pub what: String,
    /// Keys whose owner changed (keys added are not moved).
    pub moved: u64,
    /// Every moved key: (key index, from, to).
    pub moved_keys: Vec<(u32, MemberId, MemberId)>,
    /// The share an ideal consistent scheme moves: `1/(N+1)` on a join to `N + 1`
    /// members, `1/N` on a leave from `N`; `None` where no theory applies.
    pub theory_share: Option<f64>,
    /// The id a join gave.
    pub joined: Option<MemberId>,
}

/// The load measures after a change.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Stats {
    /// Members.
    pub nodes: u32,
    /// Keys.
    pub keys: u64,
    /// Keys per member, on average.
    pub mean: f64,
    /// The most keys on one member.
    pub max: u64,
    /// The fewest.
    pub min: u64,
    /// `max / mean`: 1 is perfect balance.
    pub max_over_mean: f64,
    /// The standard deviation of keys per member.
    pub stddev: f64,
}

/// Where a key lives.
#[derive(Clone, Debug, PartialEq)]
pub struct Lookup {
    /// The key.
    pub key: String,
    /// Its hash.
    pub hash: u64,
    /// The member that owns it.
    pub owner: MemberId,
    /// Its preference list: `n` distinct members, the owner first.
    pub preference: Vec<MemberId>,
    /// Ring: the points visited clockwise until the list was full.
    pub walk: Vec<Point>,
}

/// Keys placed on members (see the module doc).
#[derive(Clone, Debug)]
pub struct Placement {
    scheme: Scheme,
    members: Vec<Member>,
    next_id: MemberId,
    /// Names of keys given by name, by index (`None`: `key-<index>`).
    names: Rc<Vec<Option<String>>>,
    /// Each key's hash, by index.
    hashes: Rc<Vec<u64>>,
    /// Each key's owner, by index.
    owners: Rc<Vec<MemberId>>,
    /// Ring: key indices sorted by hash, so an arc's keys are one run of them.
    by_hash: Rc<Vec<u32>>,
    /// Ring: every point, sorted by position.
    points: Rc<Vec<Point>>,
    /// Rendezvous: each key's winning score.
    best: Rc<Vec<f64>>,
    /// Range: each range's first name and holder, in name order (the first starts at "").
    bounds: Rc<Vec<(String, MemberId)>>,
}

impl Placement {
    /// Members `node-1..node-N` (weight 1, `vnodes` each) and keys `key-0..key-(K-1)`.
    /// `nodes` and `vnodes` are clamped to their limits (at least 1).
    pub fn new(scheme: Scheme, nodes: u32, vnodes: u32, keys: u32) -> Placement {
        let vnodes = vnodes.clamp(1, MAX_VNODES);
        let members = (1..=nodes.clamp(1, MAX_MEMBERS))
            .map(|id| Member {
                id,
                weight: 1,
                vnodes,
            })
            .collect::<Vec<_>>();
        let next_id = members.len() as MemberId + 1;
        let count = (keys as usize).min(MAX_KEYS);
        let mut p = Placement {
            scheme,
            members,
            next_id,
            names: Rc::new(vec![None; count]),
            hashes: Rc::new(
                (0..count)
                    .map(|k| hash64(generated(k).as_bytes()))
                    .collect(),
            ),
            owners: Rc::new(Vec::new()),
            by_hash: Rc::new(Vec::new()),
            points: Rc::new(Vec::new()),
            best: Rc::new(Vec::new()),
            bounds: Rc::new(Vec::new()),
        };
        if scheme == Scheme::Range {
            // One range per member, cut at even shares of the keys in name order.
            let mut names: Vec<String> = (0..count).map(generated).collect();
            crate::sort::sort(&mut names);
            let n = p.members.len();
            let mut bounds: Vec<(String, MemberId)> = Vec::with_capacity(n);
            for (i, m) in p.members.iter().enumerate() {
                let start = if i == 0 {
                    String::new()
                } else {
                    names.get(i * count / n).cloned().unwrap_or_default()
                };
                if bounds.last().is_none_or(|(last, _)| *last < start) {
                    bounds.push((start, m.id));
                }
            }
            p.bounds = Rc::new(bounds);
        }
        if scheme == Scheme::Ring {
            let mut points: Vec<Point> = p.members.iter().flat_map(points_of).collect();
            crate::sort::sort_by_key(&mut points, |pt| (pt.position, pt.member, pt.vnode));
            p.points = Rc::new(points);
            p.sort_keys();
        }
        p.place_all();
        p
    }

    /// The scheme.
    pub fn scheme(&self) -> Scheme {
        self.scheme
    }

    /// The members, in id order.
    pub fn members(&self) -> &[Member] {
        &self.members
    }

    /// The member with this id.
    pub fn member(&self, id: MemberId) -> Option<&Member> {
        self.members.iter().find(|m| m.id == id)
    }

    /// How many keys.
    pub fn key_count(&self) -> usize {
        self.hashes.len()
    }

    /// Key `k`'s name.
    pub fn key_name(&self, k: usize) -> String {
        self.names[k].clone().unwrap_or_else(|| generated(k))
    }

    /// Key `k`'s hash.
    pub fn key_hash(&self, k: usize) -> u64 {
        self.hashes[k]
    }

    /// Key `k`'s owner.
    pub fn owner(&self, k: usize) -> MemberId {
        self.owners[k]
    }

    /// Keys per member, in member order.
    pub fn load(&self) -> Vec<u64> {
        let mut load = vec![0u64; self.members.len()];
        // Ids only grow, so a member's position is found by binary search.
        for &o in self.owners.iter() {
            if let Ok(i) = self.members.binary_search_by_key(&o, |m| m.id) {
                load[i] += 1;
            }
        }
        load
    }

    /// The load measures.
    pub fn stats(&self) -> Stats {
        let load = self.load();
        let nodes = load.len() as u32;
        let keys = self.key_count() as u64;
        let mean = keys as f64 / f64::from(nodes.max(1));
        let max = load.iter().copied().max().unwrap_or(0);
        let min = load.iter().copied().min().unwrap_or(0);
        let var = load
            .iter()
            .map(|&l| (l as f64 - mean) * (l as f64 - mean))
            .sum::<f64>()
            / f64::from(nodes.max(1));
        Stats {
            nodes,
            keys,
            mean,
            max,
            min,
            max_over_mean: if mean > 0.0 { max as f64 / mean } else { 0.0 },
            stddev: var.sqrt(),
        }
    }

    /// Every point of the ring, by position (empty unless [`Scheme::Ring`]).
    pub fn points(&self) -> &[Point] {
        &self.points
    }

    /// The member owning ring position `position` (the first point at or after it).
    pub fn owner_by_position(&self, position: u64) -> Option<MemberId> {
        self.successor(position).map(|i| self.points[i].member)
    }

    /// Keys per bin of the hash space: bin `i` covers `[i·2^64/bins, (i+1)·2^64/bins)`.
    pub fn density(&self, bins: usize) -> Vec<u32> {
        let mut out = vec![0u32; bins.max(1)];
        let n = out.len() as u128;
        for &h in self.hashes.iter() {
            out[((u128::from(h) * n) >> 64) as usize] += 1;
        }
        out
    }

    /// A new member with `weight` and `vnodes`.
    pub fn add_node(&mut self, weight: u32, vnodes: u32) -> Result<Change, String> {
        if self.members.len() as u32 >= MAX_MEMBERS {
            return Err(format!("the ring holds at most {MAX_MEMBERS} nodes"));
        }
        check_weight(weight)?;
        check_vnodes(vnodes, weight)?;
        if weight != 1 && !self.weighs() {
            return Err(self.no_weights());
        }
        let member = Member {
            id: self.next_id,
            weight,
            vnodes,
        };
        self.next_id += 1;
        let before = Rc::clone(&self.owners);
        let n = self.members.len() as f64;
        let name = member.name();
        self.members.push(member.clone());
        match self.scheme {
            Scheme::Ring => self.insert_points(&member),
            Scheme::Rendezvous => self.rendezvous_join(&member),
            Scheme::Range => {
                // The new member takes the upper half of the fullest range, if it can be cut.
                let fullest = self
                    .ranges()
                    .iter()
                    .enumerate()
                    .max_by_key(|(i, r)| (r.keys, std::cmp::Reverse(*i)))
                    .map(|(i, _)| i);
                if let Some(i) = fullest {
                    let _ = self.cut(i, member.id);
                }
                self.place_all();
            }
            Scheme::Mod | Scheme::Jump => self.place_all(),
        }
        let mut change = self.diff(&before, format!("{name} joined"));
        change.theory_share = Some(1.0 / (n + 1.0));
        change.joined = Some(member.id);
        Ok(change)
    }

    /// Member `id` leaves; its keys go to the others.
    pub fn remove_node(&mut self, id: MemberId) -> Result<Change, String> {
        let Some(at) = self.members.iter().position(|m| m.id == id) else {
            return Err(format!("node-{id} is not in the ring"));
        };
        if self.members.len() == 1 {
            return Err(format!(
                "node-{id} is the last node: the keys need somewhere to live"
            ));
        }
        if self.scheme == Scheme::Jump && at + 1 != self.members.len() {
            return Err(format!(
                "jump hash numbers its buckets, so only the last node (node-{}) can leave; \
                 removing node-{id} would renumber every node after it",
                self.members[self.members.len() - 1].id
            ));
        }
        let before = Rc::clone(&self.owners);
        let n = self.members.len() as f64;
        self.members.remove(at);
        match self.scheme {
            Scheme::Ring => {
                Rc::make_mut(&mut self.points).retain(|p| p.member != id);
                self.place_ring();
            }
            Scheme::Rendezvous => self.rendezvous_leave(id),
            Scheme::Range => {
                // Each of the leaver's ranges goes to the member then holding the fewest keys.
                let mut load = self.loads_without(id);
                let counts: Vec<u64> = self.ranges().iter().map(|r| r.keys).collect();
                let bounds = Rc::make_mut(&mut self.bounds);
                for (i, (_, holder)) in bounds.iter_mut().enumerate().filter(|(_, (_, h))| *h == id)
                {
                    let (at, _) = load
                        .iter()
                        .enumerate()
                        .min_by_key(|(_, (m, l))| (*l, *m))
                        .expect("another member");
                    *holder = load[at].0;
                    load[at].1 += counts[i];
                }
                self.place_all();
            }
            Scheme::Mod | Scheme::Jump => self.place_all(),
        }
        let mut change = self.diff(&before, format!("node-{id} left"));
        change.theory_share = Some(1.0 / n);
        Ok(change)
    }

    /// Member `id`'s weight becomes `weight` (ring and rendezvous only).
    pub fn set_weight(&mut self, id: MemberId, weight: u32) -> Result<Change, String> {
        if !self.weighs() {
            return Err(self.no_weights());
        }
        check_weight(weight)?;
        let member = self
            .member(id)
            .ok_or(format!("node-{id} is not in the ring"))?;
        let old = member.weight;
        check_vnodes(member.vnodes, weight)?;
        self.reshape(
            id,
            |m| m.weight = weight,
            format!("node-{id}'s weight {old} → {weight}"),
        )
    }

    /// Member `id` gets `vnodes` points per unit of weight (ring only).
    pub fn set_vnodes(&mut self, id: MemberId, vnodes: u32) -> Result<Change, String> {
        if self.scheme != Scheme::Ring {
            return Err(format!(
                "{} has no virtual nodes: only consistent hashing on a ring does",
                self.scheme.title()
            ));
        }
        let member = self
            .member(id)
            .ok_or(format!("node-{id} is not in the ring"))?;
        let old = member.vnodes;
        check_vnodes(vnodes, member.weight)?;
        self.reshape(
            id,
            |m| m.vnodes = vnodes,
            format!("node-{id}'s vnodes {old} → {vnodes}"),
        )
    }

    /// Range: cuts range `range` at its median key; the upper half goes to the member
    /// holding the fewest keys.
    pub fn split_range(&mut self, range: usize) -> Result<Change, String> {
        self.only_ranges()?;
        let load = self.loads_without(0);
        let to = load
            .iter()
            .min_by_key(|(m, l)| (*l, *m))
            .map_or(0, |(m, _)| *m);
        let before = Rc::clone(&self.owners);
        self.cut(range, to)?;
        self.place_all();
        Ok(self.diff(
            &before,
            format!("range {} split, upper half to node-{to}", range + 1),
        ))
    }

    /// Range: merges range `range` with the next one, whose keys go to `range`'s holder.
    pub fn merge_range(&mut self, range: usize) -> Result<Change, String> {
        self.only_ranges()?;
        if range + 1 >= self.bounds.len() {
            return Err(format!(
                "range {} has no next range to merge with",
                range + 1
            ));
        }
        let before = Rc::clone(&self.owners);
        Rc::make_mut(&mut self.bounds).remove(range + 1);
        self.place_all();
        Ok(self.diff(
            &before,
            format!("ranges {} and {} merged", range + 1, range + 2),
        ))
    }

    /// The ranges, in name order, with their key counts (empty unless [`Scheme::Range`]).
    pub fn ranges(&self) -> Vec<KeyRange> {
        let mut keys = vec![0u64; self.bounds.len()];
        if !self.bounds.is_empty() {
            for k in 0..self.key_count() {
                keys[self.range_of(&self.key_name(k))] += 1;
            }
        }
        self.bounds
            .iter()
            .zip(keys)
            .map(|((start, member), keys)| KeyRange {
                start: start.clone(),
                member: *member,
                keys,
            })
            .collect()
    }

    /// `count` keys whose names sort together, `hot-0000000…` (like timestamps or a
    /// shared prefix): under range partitioning they all land in one range.
    pub fn add_skewed_keys(&mut self, count: u32) -> Result<Change, String> {
        let start = self.key_count();
        if start + count as usize > MAX_KEYS {
            return Err(format!("the ring holds at most {MAX_KEYS} keys"));
        }
        let names = (start..start + count as usize)
            .map(|k| Some(format!("hot-{k:07}")))
            .collect();
        self.append(names, format!("{count} keys with one prefix added"))
    }

    /// `count` more keys, `key-K…` (keys added are placed, not moved).
    pub fn add_keys(&mut self, count: u32) -> Result<Change, String> {
        let start = self.key_count();
        if start + count as usize > MAX_KEYS {
            return Err(format!("the ring holds at most {MAX_KEYS} keys"));
        }
        self.append(vec![None; count as usize], format!("{count} keys added"))
    }

    /// Keys with these names (each new and not empty).
    pub fn add_named_keys(&mut self, names: &[String]) -> Result<Change, String> {
        if self.key_count() + names.len() > MAX_KEYS {
            return Err(format!("the ring holds at most {MAX_KEYS} keys"));
        }
        for (i, name) in names.iter().enumerate() {
            if name.is_empty() {
                return Err("a key needs a name".into());
            }
            if names[..i].contains(name) || self.find_key(name).is_some() {
                return Err(format!("{name:?} is already a key"));
            }
        }
        let what = match names {
            [one] => format!("key {one:?} added"),
            _ => format!("{} keys added", names.len()),
        };
        self.append(names.iter().cloned().map(Some).collect(), what)
    }

    /// Where `key` lives and its preference list of `n` distinct members.
    pub fn lookup(&self, key: &str, n: u32) -> Lookup {
        let hash = hash64(key.as_bytes());
        let (preference, walk) = self.preference_of(key, hash, n);
        Lookup {
            key: key.to_string(),
            hash,
            owner: preference[0],
            preference,
            walk,
        }
    }

    /// `key`'s preference list: `min(n, members)` distinct members, the owner first.
    /// Ring: the next distinct members clockwise (Dynamo §4.3); rendezvous: the highest
    /// scores; mod and jump: the members after the owner in member order.
    pub fn preference_list(&self, key: &str, n: u32) -> Vec<MemberId> {
        self.preference_of(key, hash64(key.as_bytes()), n).0
    }

    // ----- placing -----

    fn preference_of(&self, key: &str, hash: u64, n: u32) -> (Vec<MemberId>, Vec<Point>) {
        let want = (n.max(1) as usize).min(self.members.len());
        let mut list = Vec::with_capacity(want);
        let mut walk = Vec::new();
        match self.scheme {
            Scheme::Ring => {
                let start = self.successor(hash).unwrap_or(0);
                for step in 0..self.points.len() {
                    let p = self.points[(start + step) % self.points.len()];
                    walk.push(p);
                    if !list.contains(&p.member) {
                        list.push(p.member);
                        if list.len() == want {
                            break;
                        }
                    }
                }
            }
            Scheme::Rendezvous => {
                let mut scored: Vec<(f64, MemberId)> = self
                    .members
                    .iter()
                    .map(|m| (score(seed(m.id), m.weight, hash), m.id))
                    .collect();
                crate::sort::sort_by(&mut scored, |a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
                list.extend(scored.iter().take(want).map(|s| s.1));
            }
            Scheme::Mod | Scheme::Jump | Scheme::Range => {
                let first = if self.scheme == Scheme::Range {
                    let holder = self.bounds[self.range_of(key)].1;
                    self.members
                        .iter()
                        .position(|m| m.id == holder)
                        .unwrap_or(0)
                } else {
                    self.bucket(hash)
                };
                let len = self.members.len();
                list.extend((0..want).map(|i| self.members[(first + i) % len].id));
            }
        }
        (list, walk)
    }

    /// The member index `hash` goes to under mod or jump.
    fn bucket(&self, hash: u64) -> usize {
        let n = self.members.len() as u32;
        match self.scheme {
            Scheme::Jump => jump(hash, n) as usize,
            _ => (hash % u64::from(n)) as usize,
        }
    }

    /// The index of the first point at or after `position`, wrapping round.
    fn successor(&self, position: u64) -> Option<usize> {
        if self.points.is_empty() {
            return None;
        }
        let i = self.points.partition_point(|p| p.position < position);
        Some(if i == self.points.len() { 0 } else { i })
    }

    /// Places every key from scratch.
    fn place_all(&mut self) {
        match self.scheme {
            Scheme::Ring => self.place_ring(),
            Scheme::Rendezvous => {
                let seeds = self.seeds();
                let (owners, best): (Vec<MemberId>, Vec<f64>) =
                    self.hashes.iter().map(|&h| highest(&seeds, h)).unzip();
                self.owners = Rc::new(owners);
                self.best = Rc::new(best);
            }
            Scheme::Range => {
                let owners = (0..self.key_count())
                    .map(|k| self.bounds[self.range_of(&self.key_name(k))].1)
                    .collect();
                self.owners = Rc::new(owners);
            }
            Scheme::Mod | Scheme::Jump => {
                let owners = self
                    .hashes
                    .iter()
                    .map(|&h| self.members[self.bucket(h)].id)
                    .collect();
                self.owners = Rc::new(owners);
            }
        }
    }

    /// Ring: every key's owner, in one walk over the keys and points both sorted by
    /// position (linear in keys plus points, a few milliseconds at 256,000 points and
    /// 100,000 keys).
    fn place_ring(&mut self) {
        let mut owners = vec![0; self.key_count()];
        let points = &self.points;
        let mut p = 0;
        for &k in self.by_hash.iter() {
            let h = self.hashes[k as usize];
            while p < points.len() && points[p].position < h {
                p += 1;
            }
            owners[k as usize] = points[if p == points.len() { 0 } else { p }].member;
        }
        self.owners = Rc::new(owners);
    }

    /// Ring: adds a member's points, then hands over the arcs they take.
    fn insert_points(&mut self, member: &Member) {
        self.merge_points(member);
        // Only the keys of the arcs ending at a new point change hands: those after the
        // point before it. With keys sorted by hash each arc is one run of them (or two,
        // when it wraps round through position 0).
        let owners = Rc::make_mut(&mut self.owners);
        let upto = |position: u64| {
            self.by_hash
                .partition_point(|&k| self.hashes[k as usize] <= position)
        };
        let points = &self.points;
        for (at, p) in points.iter().enumerate() {
            if p.member != member.id {
                continue;
            }
            let before = points[(at + points.len() - 1) % points.len()].position;
            let (from, to) = (upto(before), upto(p.position));
            let runs = if before < p.position {
                [from..to, 0..0]
            } else {
                [from..self.by_hash.len(), 0..to]
            };
            for i in runs.into_iter().flatten() {
                owners[self.by_hash[i] as usize] = member.id;
            }
        }
    }

    /// Ring: merges a member's points into the sorted points, in one pass.
    fn merge_points(&mut self, member: &Member) {
        let mut new: Vec<Point> = points_of(member).collect();
        crate::sort::sort_by_key(&mut new, |pt| (pt.position, pt.vnode));
        let old = Rc::clone(&self.points);
        let mut merged = Vec::with_capacity(old.len() + new.len());
        let (mut i, mut j) = (0, 0);
        while i < old.len() || j < new.len() {
            let take_old = j == new.len()
                || (i < old.len()
                    && (old[i].position, old[i].member) <= (new[j].position, new[j].member));
            if take_old {
                merged.push(old[i]);
                i += 1;
            } else {
                merged.push(new[j]);
                j += 1;
            }
        }
        self.points = Rc::new(merged);
    }

    /// Rendezvous: a joiner takes each key it outscores (one score per key).
    fn rendezvous_join(&mut self, member: &Member) {
        let owners = Rc::make_mut(&mut self.owners);
        let best = Rc::make_mut(&mut self.best);
        let joiner = seed(member.id);
        for (k, &h) in self.hashes.iter().enumerate() {
            let s = score(joiner, member.weight, h);
            if wins(s, member.id, best[k], owners[k]) {
                best[k] = s;
                owners[k] = member.id;
            }
        }
    }

    /// Rendezvous: the leaver's keys are placed again over every member (no other key's
    /// winner changed).
    fn rendezvous_leave(&mut self, leaver: MemberId) {
        let seeds = self.seeds();
        let mut owners = (*self.owners).clone();
        let mut best = (*self.best).clone();
        for (k, &h) in self.hashes.iter().enumerate() {
            if owners[k] == leaver {
                (owners[k], best[k]) = highest(&seeds, h);
            }
        }
        self.owners = Rc::new(owners);
        self.best = Rc::new(best);
    }

    /// Every member's (id, weight, seed), for scoring many keys.
    fn seeds(&self) -> Vec<(MemberId, u32, u64)> {
        self.members
            .iter()
            .map(|m| (m.id, m.weight, seed(m.id)))
            .collect()
    }

    /// Changes member `id` with `edit`, then re-places what that changes.
    fn reshape(
        &mut self,
        id: MemberId,
        edit: impl FnOnce(&mut Member),
        what: String,
    ) -> Result<Change, String> {
        let before = Rc::clone(&self.owners);
        let Some(m) = self.members.iter_mut().find(|m| m.id == id) else {
            return Err(format!("node-{id} is not in the ring"));
        };
        edit(m);
        let m = m.clone();
        match self.scheme {
            Scheme::Ring => {
                Rc::make_mut(&mut self.points).retain(|p| p.member != id);
                self.merge_points(&m);
                self.place_ring();
            }
            // A weight changes every score of the member: a key may come or go.
            _ => self.place_all(),
        }
        Ok(self.diff(&before, what))
    }

    /// Appends keys and places them.
    fn append(&mut self, names: Vec<Option<String>>, what: String) -> Result<Change, String> {
        let start = self.key_count();
        let hashes: Vec<u64> = names
            .iter()
            .enumerate()
            .map(|(i, n)| match n {
                Some(n) => hash64(n.as_bytes()),
                None => hash64(generated(start + i).as_bytes()),
            })
            .collect();
        Rc::make_mut(&mut self.names).extend(names);
        Rc::make_mut(&mut self.hashes).extend(hashes);
        if self.scheme == Scheme::Ring {
            self.sort_keys();
        }
        // Placing from scratch gives the old keys their old owners, so nothing moves.
        self.place_all();
        Ok(Change {
            what,
            moved: 0,
            moved_keys: Vec::new(),
            theory_share: None,
            joined: None,
        })
    }

    /// The index of the range holding `name`.
    fn range_of(&self, name: &str) -> usize {
        self.bounds
            .partition_point(|(start, _)| start.as_str() <= name)
            .saturating_sub(1)
    }

    /// Keys per member (by id, in member order) without `leaving`, for handing ranges out.
    fn loads_without(&self, leaving: MemberId) -> Vec<(MemberId, u64)> {
        self.members
            .iter()
            .zip(self.load())
            .filter(|(m, _)| m.id != leaving)
            .map(|(m, l)| (m.id, l))
            .collect()
    }

    /// Cuts range `range` at its median name; the upper half goes to `to`.
    fn cut(&mut self, range: usize, to: MemberId) -> Result<(), String> {
        if range >= self.bounds.len() {
            return Err(format!("there is no range {}", range + 1));
        }
        let mut names: Vec<String> = (0..self.key_count())
            .map(|k| self.key_name(k))
            .filter(|n| self.range_of(n) == range)
            .collect();
        if names.len() < 2 {
            return Err(format!("range {} holds too few keys to split", range + 1));
        }
        crate::sort::sort(&mut names);
        let median = names.swap_remove(names.len() / 2);
        Rc::make_mut(&mut self.bounds).insert(range + 1, (median, to));
        Ok(())
    }

    fn only_ranges(&self) -> Result<(), String> {
        if self.scheme == Scheme::Range {
            Ok(())
        } else {
            Err(format!(
                "{} has no ranges: only range partitioning does",
                self.scheme.title()
            ))
        }
    }

    fn sort_keys(&mut self) {
        let hashes = &self.hashes;
        let mut order: Vec<u32> = (0..hashes.len() as u32).collect();
        crate::sort::sort_by_key(&mut order, |&k| (hashes[k as usize], k));
        self.by_hash = Rc::new(order);
    }

    fn find_key(&self, name: &str) -> Option<usize> {
        (0..self.key_count()).find(|&k| self.key_name(k) == name)
    }

    /// The keys whose owner differs from `before`'s.
    fn diff(&self, before: &[MemberId], what: String) -> Change {
        let moved_keys: Vec<(u32, MemberId, MemberId)> = before
            .iter()
            .zip(self.owners.iter())
            .enumerate()
            .filter(|(_, (a, b))| a != b)
            .map(|(k, (&a, &b))| (k as u32, a, b))
            .collect();
        Change {
            what,
            moved: moved_keys.len() as u64,
            moved_keys,
            theory_share: None,
            joined: None,
        }
    }

    fn weighs(&self) -> bool {
        matches!(self.scheme, Scheme::Ring | Scheme::Rendezvous)
    }

    fn no_weights(&self) -> String {
        format!(
            "{} has no weights: every node gets an equal share (ring and rendezvous hashing \
             weigh nodes)",
            self.scheme.title()
        )
    }
}

fn check_weight(weight: u32) -> Result<(), String> {
    if (1..=MAX_WEIGHT).contains(&weight) {
        Ok(())
    } else {
        Err(format!("a weight is from 1 to {MAX_WEIGHT}"))
    }
}

fn check_vnodes(vnodes: u32, weight: u32) -> Result<(), String> {
    if !(1..=MAX_VNODES).contains(&vnodes) {
        return Err(format!("vnodes are from 1 to {MAX_VNODES}"));
    }
    if vnodes * weight > MAX_POINTS_PER_MEMBER {
        return Err(format!(
            "vnodes × weight is at most {MAX_POINTS_PER_MEMBER} points per node"
        ));
    }
    Ok(())
}

/// The highest-scoring member for `hash`, and its score.
fn highest(seeds: &[(MemberId, u32, u64)], hash: u64) -> (MemberId, f64) {
    let mut top = (0, f64::NEG_INFINITY);
    for &(id, weight, seed) in seeds {
        let s = score(seed, weight, hash);
        if wins(s, id, top.1, top.0) {
            top = (id, s);
        }
    }
    top
}

/// `key-<k>`.
fn generated(k: usize) -> String {
    format!("key-{k}")
}

/// A member's points: `vnodes × weight` of them, `node-m#0`, `node-m#1`, ….
fn points_of(m: &Member) -> impl Iterator<Item = Point> + '_ {
    (0..m.vnodes * m.weight).map(move |v| Point {
        position: hash64(format!("node-{}#{v}", m.id).as_bytes()),
        member: m.id,
        vnode: v,
    })
}

/// A member's seed for rendezvous scores: `hash64("node-<id>")`.
fn seed(id: MemberId) -> u64 {
    hash64(format!("node-{id}").as_bytes())
}

/// A member's rendezvous score for a key's hash: `u` from the mixed pair
/// `mix(key_hash ^ seed)`, then the weighted-HRW score `−w / ln(u)` (higher wins; for
/// equal weights it orders members as `u` does, so plain HRW is the special case).
fn score(seed: u64, weight: u32, key_hash: u64) -> f64 {
    -f64::from(weight) / ln(unit(mix(key_hash ^ seed)))
}

/// True when score `s` of member `id` beats `best` of member `holder` (ties, which the
/// 53-bit scores make vanishingly rare, go to the lower id).
fn wins(s: f64, id: MemberId, best: f64, holder: MemberId) -> bool {
    s > best || (s == best && id < holder)
}
