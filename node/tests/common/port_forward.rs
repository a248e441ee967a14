//! A TCP port forwarder on 127.0.0.1, standing in for a NAT's forwarded port: connections to
//! [`PortForward::port`] are relayed to the target port, and counted.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// A running forwarder; it stops when dropped.
pub struct PortForward {
    /// The port that is forwarded.
    pub port: u16,
    connections: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
}

impl PortForward {
    /// Forwards a free port to `target`.
    pub fn start(target: u16) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.set_nonblocking(true).expect("nonblocking");
        let port = listener.local_addr().expect("addr").port();
        let connections = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let (counted, stopped) = (connections.clone(), stop.clone());
        std::thread::spawn(move || {
            while !stopped.load(Ordering::Relaxed) {
                match listener.accept() {
                    Ok((inbound, _)) => {
                        let Ok(outbound) = TcpStream::connect(("127.0.0.1", target)) else { continue };
                        counted.fetch_add(1, Ordering::Relaxed);
                        let _ = inbound.set_nonblocking(false);
                        relay(inbound, outbound);
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(20)),
                }
            }
        });
        Self { port, connections, stop }
    }

    /// How many connections were forwarded.
    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::Relaxed)
    }
}

impl Drop for PortForward {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

fn relay(inbound: TcpStream, outbound: TcpStream) {
    for (mut from, mut to) in
        [(inbound.try_clone().expect("clone"), outbound.try_clone().expect("clone")), (outbound, inbound)]
    {
        std::thread::spawn(move || {
            let mut buffer = [0u8; 16 * 1024];
            while let Ok(read) = from.read(&mut buffer) {
                if read == 0 || to.write_all(&buffer[..read]).is_err() {
                    break;
                }
            }
            let _ = to.shutdown(Shutdown::Write);
        });
    }
}
