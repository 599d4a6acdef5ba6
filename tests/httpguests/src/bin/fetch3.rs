//! A WASI 0.3 HTTP client (wasi:http/client.send), for the host's tests.
//!
//! fetch3 METHOD URL [BODY [TRAILER=VALUE]]: prints "status N", the x-*
//! response headers, "body-len N", the body when short ("body: ..."), then
//! "trailers none" or the trailers; on an error "<step>-error <ErrorCode>" and
//! exit code 1. A TRAILER=VALUE argument sends that request trailer.
use std::process::exit;

use wasip3::http::types::{ErrorCode, Fields, Method, Request, Response, Scheme};
use wasip3::{wit_future, wit_stream};

struct Fetch3;
wasip3::cli::command::export!(Fetch3);

fn fail(step: &str, e: impl std::fmt::Debug) -> ! {
    println!("{step}-error {e:?}");
    exit(1);
}

impl wasip3::exports::cli::run::Guest for Fetch3 {
    async fn run() -> Result<(), ()> {
        let args: Vec<String> = std::env::args().collect();
        let (method, url) = (args[1].clone(), args[2].clone());
        let body = args.get(3).cloned();
        let (scheme, rest) = url
            .split_once("://")
            .unwrap_or_else(|| fail("url", "no scheme"));
        let (authority, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, "/"),
        };
        let headers = Fields::from_list(&[("x-from".to_string(), b"fetch3".to_vec())])
            .unwrap_or_else(|e| fail("headers", e));
        let (contents, mut body_tx) = match body {
            Some(_) => {
                let (tx, rx) = wit_stream::new();
                (Some(rx), Some(tx))
            }
            None => (None, None),
        };
        let (trailers_tx, trailers_rx) = wit_future::new(|| Ok(None));
        let (request, _sent) = Request::new(headers, contents, trailers_rx, None);
        request
            .set_method(&match method.as_str() {
                "GET" => Method::Get,
                "POST" => Method::Post,
                "PUT" => Method::Put,
                other => Method::Other(other.to_string()),
            })
            .unwrap_or_else(|_| fail("method", ()));
        let scheme = match scheme {
            "http" => Scheme::Http,
            "https" => Scheme::Https,
            other => Scheme::Other(other.to_string()),
        };
        request
            .set_scheme(Some(&scheme))
            .unwrap_or_else(|_| fail("scheme", ()));
        request
            .set_authority(Some(authority))
            .unwrap_or_else(|_| fail("authority", ()));
        request
            .set_path_with_query(Some(path))
            .unwrap_or_else(|_| fail("path", ()));
        let writer = async {
            if let (Some(tx), Some(text)) = (body_tx.take(), body.as_ref()) {
                let mut tx = tx;
                // Two pieces: the body is a stream, not one buffer.
                let half = text.len() / 2;
                let rest = tx.write_all(text.as_bytes()[..half].to_vec()).await;
                assert!(rest.is_empty());
                let rest = tx.write_all(text.as_bytes()[half..].to_vec()).await;
                assert!(rest.is_empty());
            }
            match args.get(4).and_then(|t| t.split_once('=')) {
                Some((name, value)) => {
                    let t = Fields::from_list(&[(name.to_string(), value.as_bytes().to_vec())])
                        .unwrap_or_else(|e| fail("trailer", e));
                    let _ = trailers_tx.write(Ok(Some(t))).await;
                }
                None => drop(trailers_tx),
            }
        };
        let (response, ()) = futures::join!(wasip3::http::client::send(request), writer);
        let response: Response = response.unwrap_or_else(|e: ErrorCode| fail("response", e));
        println!("status {}", response.get_status_code());
        for (k, v) in response.get_headers().copy_all() {
            if k.starts_with("x-") {
                println!("header {k}: {}", String::from_utf8_lossy(&v));
            }
        }
        let (_done_tx, done_rx) = wit_future::new(|| Ok(()));
        let (mut stream, trailers) = Response::consume_body(response, done_rx);
        let mut all = Vec::new();
        loop {
            let (result, chunk) = stream.read(Vec::with_capacity(65536)).await;
            all.extend_from_slice(&chunk);
            match result {
                wasip3::wit_bindgen::StreamResult::Complete(_) => {}
                wasip3::wit_bindgen::StreamResult::Dropped
                | wasip3::wit_bindgen::StreamResult::Cancelled => break,
            }
        }
        println!("body-len {}", all.len());
        if all.len() <= 4096 {
            println!("body: {}", String::from_utf8_lossy(&all));
        }
        match trailers.await {
            Ok(None) => println!("trailers none"),
            Ok(Some(t)) => {
                for (k, v) in t.copy_all() {
                    println!("trailer {k}: {}", String::from_utf8_lossy(&v));
                }
            }
            Err(e) => {
                // Returned, not exit(): the future given to consume-body is
                // dropped on the way out (an exit would leave it pending).
                println!("trailers-error {e:?}");
                return Err(());
            }
        }
        Ok(())
    }
}

fn main() {
    unreachable!("the 0.3 run export is the entry point");
}
