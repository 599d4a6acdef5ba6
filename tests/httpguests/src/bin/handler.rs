//! A wasi:http/incoming-handler for `wasi-web serve`'s tests.
//!
//!   /hello            200 "hello from wasm\n", header x-handler: rust
//!   /echo             201, the request body streamed back as it arrives, the
//!                     request's x-* headers as x-echo-*, trailer x-trailer: done
//!   /info             the method, path, scheme, authority and x-* headers
//!   /status/N         status N, empty body
//!   /panic            panics (the server answers 500 and keeps serving)
//!   /none             returns without a response (500)
//!   /splice           the request body spliced into stdout (a core output-stream
//!                     reading an HTTP body stream): 200 "spliced N", or 500
//!                     "body error: <error-code>" if reading the body failed
//!   anything else     404
use std::io::Write as _;

use wasip2::http::types::{
    Fields, IncomingBody, IncomingRequest, Method, OutgoingBody, OutgoingResponse,
    ResponseOutparam, Scheme,
};
use wasip2::io::streams::StreamError;

wasip2::http::proxy::export!(Handler);

struct Handler;

fn respond(out: ResponseOutparam, status: u16, headers: &[(&str, &str)], body: &[u8]) {
    let list: Vec<(String, Vec<u8>)> = headers
        .iter()
        .map(|(k, v)| (k.to_string(), v.as_bytes().to_vec()))
        .collect();
    let resp = OutgoingResponse::new(Fields::from_list(&list).unwrap());
    resp.set_status_code(status).unwrap();
    let b = resp.body().unwrap();
    ResponseOutparam::set(out, Ok(resp));
    {
        let mut w = b.write().unwrap();
        w.write_all(body).unwrap();
        w.flush().unwrap();
    }
    OutgoingBody::finish(b, None).unwrap();
}

impl wasip2::exports::http::incoming_handler::Guest for Handler {
    fn handle(req: IncomingRequest, out: ResponseOutparam) {
        let path = req.path_with_query().unwrap_or_default();
        let x_headers: Vec<(String, Vec<u8>)> = req
            .headers()
            .entries()
            .into_iter()
            .filter(|(k, _)| k.starts_with("x-"))
            .collect();
        if path == "/hello" {
            respond(
                out,
                200,
                &[("x-handler", "rust"), ("content-type", "text/plain")],
                b"hello from wasm\n",
            );
        } else if path == "/info" {
            let method = match req.method() {
                Method::Get => "GET".to_string(),
                Method::Post => "POST".to_string(),
                Method::Put => "PUT".to_string(),
                Method::Delete => "DELETE".to_string(),
                m => format!("{m:?}"),
            };
            let scheme = match req.scheme() {
                Some(Scheme::Http) => "http".to_string(),
                Some(Scheme::Https) => "https".to_string(),
                s => format!("{s:?}"),
            };
            let mut text = format!(
                "{method} {path} {scheme} {}\n",
                req.authority().unwrap_or_default()
            );
            for (k, v) in &x_headers {
                text.push_str(&format!("{k}: {}\n", String::from_utf8_lossy(v)));
            }
            respond(out, 200, &[], text.as_bytes());
        } else if let Some(code) = path.strip_prefix("/status/") {
            respond(out, code.parse().unwrap(), &[], b"");
        } else if path == "/echo" {
            let mut list: Vec<(String, Vec<u8>)> = x_headers
                .iter()
                .map(|(k, v)| (format!("x-echo-{}", &k[2..]), v.clone()))
                .collect();
            list.push(("trailer".into(), b"x-trailer".to_vec()));
            let resp = OutgoingResponse::new(Fields::from_list(&list).unwrap());
            resp.set_status_code(201).unwrap();
            let b = resp.body().unwrap();
            ResponseOutparam::set(out, Ok(resp));
            let incoming = req.consume().unwrap();
            let input = incoming.stream().unwrap();
            {
                let mut w = b.write().unwrap();
                loop {
                    match input.blocking_read(65536) {
                        Ok(chunk) => {
                            w.write_all(&chunk).unwrap();
                            w.flush().unwrap();
                        }
                        Err(StreamError::Closed) => break,
                        Err(StreamError::LastOperationFailed(e)) => {
                            panic!("request body: {}", e.to_debug_string())
                        }
                    }
                }
            }
            drop(input);
            let _ = IncomingBody::finish(incoming);
            let trailers = Fields::from_list(&[("x-trailer".into(), b"done".to_vec())]).unwrap();
            OutgoingBody::finish(b, Some(trailers)).unwrap();
        } else if path == "/splice" {
            let incoming = req.consume().unwrap();
            let input = incoming.stream().unwrap();
            let stdout = wasip2::cli::stdout::get_stdout();
            let mut total = 0u64;
            let failure = loop {
                match stdout.blocking_splice(&input, 4096) {
                    Ok(n) => total += n,
                    Err(StreamError::Closed) => break None,
                    Err(StreamError::LastOperationFailed(e)) => {
                        break Some(format!("{:?}", wasip2::http::types::http_error_code(&e)))
                    }
                }
            };
            drop(input);
            match failure {
                None => respond(out, 200, &[], format!("spliced {total}").as_bytes()),
                Some(e) => respond(out, 500, &[], format!("body error: {e}").as_bytes()),
            }
        } else if path == "/panic" {
            panic!("the handler panicked on purpose");
        } else if path == "/none" {
            drop(out);
        } else {
            respond(out, 404, &[], b"not found\n");
        }
    }
}

fn main() {}
