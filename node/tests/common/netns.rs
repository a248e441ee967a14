//! A small network lab of Linux network namespaces, one per node, for fault tests: every
//! namespace is joined by a veth pair to a bridge, and a partition moves some of the veths to a
//! second bridge, so that the nodes on each side reach only each other. The test process (in the
//! root namespace) has an address on the first bridge and reaches the nodes there.
//!
//! Needs root (`ip netns`, `ip link`); [`NetLab::new`] says why when it cannot be built. Dropping
//! the lab deletes its namespaces, links and bridges.

use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};

static LABS: AtomicU32 = AtomicU32::new(0);

/// The namespaces, links and bridges of one lab.
pub struct NetLab {
    tag: String,
    subnet: String,
    nodes: usize,
}

fn ip(args: &[&str]) -> Result<(), String> {
    let output = Command::new("ip").args(args).output().map_err(|error| format!("ip {args:?}: {error}"))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!("ip {}: {}", args.join(" "), String::from_utf8_lossy(&output.stderr).trim()))
    }
}

impl NetLab {
    /// A lab of `nodes` namespaces, all on one side.
    pub fn new(nodes: usize) -> Result<Self, String> {
        let lab = LABS.fetch_add(1, Ordering::Relaxed);
        let id = (std::process::id() % 1_000) * 10 + lab % 10;
        let tag = format!("tc{id}");
        let subnet = format!("10.{}.{}", 100 + (id / 250) % 100, id % 250);
        let lab = Self { tag, subnet, nodes };
        lab.build()?;
        Ok(lab)
    }

    fn bridge(&self, side: char) -> String {
        format!("{}{side}", self.tag)
    }

    fn namespace(&self, index: usize) -> String {
        format!("{}n{index}", self.tag)
    }

    fn build(&self) -> Result<(), String> {
        for side in ['a', 'b'] {
            ip(&["link", "add", &self.bridge(side), "type", "bridge"])?;
            ip(&["link", "set", &self.bridge(side), "up"])?;
        }
        ip(&["addr", "add", &format!("{}.254/24", self.subnet), "dev", &self.bridge('a')])?;
        for index in 0..self.nodes {
            let (namespace, outer, inner) =
                (self.namespace(index), format!("{}v{index}", self.tag), format!("{}p{index}", self.tag));
            ip(&["netns", "add", &namespace])?;
            ip(&["link", "add", &outer, "type", "veth", "peer", "name", &inner])?;
            ip(&["link", "set", &inner, "netns", &namespace])?;
            ip(&["-n", &namespace, "addr", "add", &format!("{}/24", self.ip(index)), "dev", &inner])?;
            ip(&["-n", &namespace, "link", "set", &inner, "up"])?;
            ip(&["-n", &namespace, "link", "set", "lo", "up"])?;
            ip(&["link", "set", &outer, "master", &self.bridge('a'), "up"])?;
        }
        Ok(())
    }

    /// Node `index`'s address.
    pub fn ip(&self, index: usize) -> String {
        format!("{}.{}", self.subnet, index + 1)
    }

    /// The command prefix that runs a program in node `index`'s namespace.
    pub fn exec_prefix(&self, index: usize) -> Vec<String> {
        vec!["ip".into(), "netns".into(), "exec".into(), self.namespace(index)]
    }

    /// Cuts the nodes of `side` off from the others (and from the test process): they reach
    /// only each other.
    pub fn partition(&self, side: &[usize]) {
        for index in 0..self.nodes {
            let bridge = self.bridge(if side.contains(&index) { 'b' } else { 'a' });
            ip(&["link", "set", &format!("{}v{index}", self.tag), "master", &bridge]).expect("move a link");
        }
    }

    /// Joins every node again.
    pub fn heal(&self) {
        self.partition(&[]);
    }
}

impl Drop for NetLab {
    fn drop(&mut self) {
        for index in 0..self.nodes {
            let _ = ip(&["netns", "del", &self.namespace(index)]);
        }
        for side in ['a', 'b'] {
            let _ = ip(&["link", "del", &self.bridge(side)]);
        }
    }
}
