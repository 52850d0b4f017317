//! A real SMTP server for the tests, in process: it listens on 127.0.0.1, speaks as much SMTP as
//! lettre uses (greeting, EHLO/HELO, MAIL FROM, RCPT TO, DATA, RSET, NOOP, QUIT) and keeps each
//! message's envelope and raw text. It can be stopped — the listener closed and every open
//! connection cut, so new connections are refused and a pooled one is dead — and started again
//! on the same port, as a mail server that goes down and comes back.

use std::sync::{Arc, Mutex};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpSocket, TcpStream};
use tokio::task::{JoinHandle, JoinSet};

/// One message as the server received it.
#[derive(Debug, Clone)]
pub struct Received {
    pub from: String,
    pub to: Vec<String>,
    /// The message text after DATA, dot-stuffing undone, CRLF line ends.
    pub data: String,
}

pub struct SmtpSink {
    port: u16,
    received: Arc<Mutex<Vec<Received>>>,
    running: Mutex<Option<JoinHandle<()>>>,
}

impl SmtpSink {
    /// A server on a free port, accepting.
    pub async fn start() -> SmtpSink {
        let received: Arc<Mutex<Vec<Received>>> = Arc::default();
        let (port, task) = listen(0, received.clone()).await;
        SmtpSink { port, received, running: Mutex::new(Some(task)) }
    }

    /// The address for `Settings::smtp_url` (plain SMTP, as on a trusted network).
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Closes the listener and cuts every connection: the mail server is down.
    pub async fn stop(&self) {
        let task = self.running.lock().unwrap().take();
        if let Some(task) = task {
            // The accept loop owns the listener and the connections' JoinSet: both go with it,
            // by the time the aborted task is joined.
            task.abort();
            let _ = task.await;
        }
    }

    /// Listens again on the same port.
    pub async fn restart(&self) {
        self.stop().await;
        let (_, task) = listen(self.port, self.received.clone()).await;
        *self.running.lock().unwrap() = Some(task);
    }

    /// Whether a connection to the port would be accepted now.
    pub async fn is_up(&self) -> bool {
        TcpStream::connect(("127.0.0.1", self.port)).await.is_ok()
    }

    /// Every message received so far, in order.
    pub fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }

    /// The messages addressed to `address`.
    pub fn to(&self, address: &str) -> Vec<Received> {
        self.received().into_iter().filter(|m| m.to.iter().any(|t| t == address)).collect()
    }
}

/// Binds the port (0: any free one) and accepts until the task is aborted.
async fn listen(port: u16, received: Arc<Mutex<Vec<Received>>>) -> (u16, JoinHandle<()>) {
    let socket = TcpSocket::new_v4().expect("socket");
    socket.set_reuseaddr(true).expect("SO_REUSEADDR");
    let mut tries = 0;
    while let Err(e) = socket.bind(([127, 0, 0, 1], port).into()) {
        tries += 1;
        assert!(tries < 50, "cannot bind the SMTP sink to port {port}: {e}");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let listener = socket.listen(64).expect("listen");
    let port = listener.local_addr().expect("address").port();
    let task = tokio::spawn(async move {
        let mut connections = JoinSet::new();
        loop {
            tokio::select! {
                accepted = listener.accept() => {
                    let Ok((stream, _)) = accepted else { continue };
                    connections.spawn(session(stream, received.clone()));
                }
                Some(_) = connections.join_next(), if !connections.is_empty() => {}
            }
        }
    });
    (port, task)
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        if let Some(task) = self.running.lock().unwrap().take() {
            task.abort();
        }
    }
}

/// One SMTP conversation.
async fn session(stream: TcpStream, received: Arc<Mutex<Vec<Received>>>) {
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read);
    let mut from = String::new();
    let mut to: Vec<String> = Vec::new();
    if write.write_all(b"220 sink.test ESMTP ready\r\n").await.is_err() {
        return;
    }
    let mut line = String::new();
    loop {
        line.clear();
        match lines.read_line(&mut line).await {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        let command = line.trim_end().to_string();
        let verb = command.split_whitespace().next().unwrap_or("").to_ascii_uppercase();
        let reply: &[u8] = match verb.as_str() {
            "EHLO" => b"250-sink.test greets you\r\n250-8BITMIME\r\n250 SIZE 10485760\r\n",
            "HELO" => b"250 sink.test\r\n",
            "MAIL" => {
                from = angle(&command);
                to.clear();
                b"250 2.1.0 OK\r\n"
            }
            "RCPT" => {
                to.push(angle(&command));
                b"250 2.1.5 OK\r\n"
            }
            "DATA" => {
                if write.write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n").await.is_err() {
                    return;
                }
                let Some(data) = read_data(&mut lines).await else { return };
                received.lock().unwrap().push(Received { from: std::mem::take(&mut from), to: std::mem::take(&mut to), data });
                b"250 2.0.0 queued\r\n"
            }
            "RSET" => {
                from.clear();
                to.clear();
                b"250 2.0.0 OK\r\n"
            }
            "NOOP" => b"250 2.0.0 OK\r\n",
            "QUIT" => {
                let _ = write.write_all(b"221 2.0.0 bye\r\n").await;
                return;
            }
            _ => b"502 5.5.2 command not implemented\r\n",
        };
        if write.write_all(reply).await.is_err() {
            return;
        }
    }
}

/// The address between `<` and `>` of `MAIL FROM:<a@b> SIZE=…`.
fn angle(command: &str) -> String {
    let start = command.find('<').map(|i| i + 1).unwrap_or(0);
    let end = command[start..].find('>').map(|i| start + i).unwrap_or(command.len());
    command[start..end].to_string()
}

/// The message up to the line holding a single dot; a leading dot doubled by the sender is
/// undone (RFC 5321 §4.5.2).
async fn read_data(lines: &mut BufReader<tokio::net::tcp::OwnedReadHalf>) -> Option<String> {
    let mut data = String::new();
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line).await.ok()? == 0 {
            return None;
        }
        if line == ".\r\n" || line == ".\n" {
            return Some(data);
        }
        data.push_str(line.strip_prefix('.').unwrap_or(&line));
    }
}
