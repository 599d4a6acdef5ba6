//! Reading option objects from JS and building result objects for it.
//!
//! Hand-rolled on `Reflect` rather than serde: the options are a dozen
//! plain fields, and serde's machinery (with its float formatting for
//! error messages) was a tenth of the core's size.

use js_sys::{Array, Object, Reflect, TypeError};
use wasm_bindgen::prelude::*;

type R<T> = Result<T, JsValue>;

/// The fields of one options object; `what` names it in error messages.
pub(crate) struct Fields<'a> {
    obj: &'a JsValue,
    what: &'a str,
}

impl<'a> Fields<'a> {
    pub fn new(obj: &'a JsValue, what: &'a str) -> R<Self> {
        if !obj.is_object() {
            return Err(TypeError::new(&format!("{what}: options must be an object")).into());
        }
        Ok(Fields { obj, what })
    }

    /// What the options are for (`WasiCore`...), to begin error messages.
    pub fn what(&self) -> &str {
        self.what
    }

    fn bad(&self, key: &str, expected: &str) -> JsValue {
        TypeError::new(&format!("{}: `{key}` must be {expected}", self.what)).into()
    }

    /// The field, or `None` when it is missing, `undefined` or `null`.
    pub fn get(&self, key: &str) -> R<Option<JsValue>> {
        let v = Reflect::get(self.obj, &key.into())?;
        Ok((!v.is_undefined() && !v.is_null()).then_some(v))
    }

    pub fn boolean(&self, key: &str) -> R<bool> {
        match self.get(key)? {
            None => Ok(false),
            Some(v) => v.as_bool().ok_or_else(|| self.bad(key, "a boolean")),
        }
    }

    pub fn string(&self, key: &str) -> R<Option<String>> {
        match self.get(key)? {
            None => Ok(None),
            Some(v) => v
                .as_string()
                .map(Some)
                .ok_or_else(|| self.bad(key, "a string")),
        }
    }

    pub fn number(&self, key: &str) -> R<Option<f64>> {
        match self.get(key)? {
            None => Ok(None),
            Some(v) => v
                .as_f64()
                .map(Some)
                .ok_or_else(|| self.bad(key, "a number")),
        }
    }

    /// A whole number in `0..=max`.
    pub fn count(&self, key: &str, max: u64) -> R<Option<u64>> {
        match self.number(key)? {
            Some(x) if !(x >= 0.0 && x.fract() == 0.0 && x <= max as f64) => {
                Err(self.bad(key, &format!("a whole number from 0 to {max}")))
            }
            x => Ok(x.map(|x| x as u64)),
        }
    }

    fn array(&self, key: &str, expected: &str) -> R<Vec<JsValue>> {
        match self.get(key)? {
            None => Ok(Vec::new()),
            Some(v) if Array::is_array(&v) => Ok(Array::from(&v).to_vec()),
            Some(_) => Err(self.bad(key, expected)),
        }
    }

    pub fn strings(&self, key: &str) -> R<Vec<String>> {
        let expected = "an array of strings";
        let items = self.array(key, expected)?;
        items
            .iter()
            .map(|v| v.as_string().ok_or_else(|| self.bad(key, expected)))
            .collect()
    }

    /// `[[a, b], ...]` with string elements.
    pub fn string_pairs(&self, key: &str) -> R<Vec<(String, String)>> {
        let expected = "an array of [string, string] pairs";
        let items = self.array(key, expected)?;
        items
            .iter()
            .map(|p| {
                let p = p.dyn_ref::<Array>().filter(|p| p.length() == 2);
                let s = |i| p.and_then(|p: &Array| p.get(i).as_string());
                s(0).zip(s(1)).ok_or_else(|| self.bad(key, expected))
            })
            .collect()
    }

    /// Three booleans (missing: all false).
    pub fn flags3(&self, key: &str) -> R<[bool; 3]> {
        let expected = "an array of 3 booleans";
        let items = self.array(key, expected)?;
        match items.as_slice() {
            [] => Ok([false; 3]),
            [a, b, c] => match (a.as_bool(), b.as_bool(), c.as_bool()) {
                (Some(a), Some(b), Some(c)) => Ok([a, b, c]),
                _ => Err(self.bad(key, expected)),
            },
            _ => Err(self.bad(key, expected)),
        }
    }

    /// A function (missing: `None`).
    pub fn function(&self, key: &str) -> R<Option<js_sys::Function>> {
        match self.get(key)? {
            None => Ok(None),
            Some(v) => v
                .dyn_into::<js_sys::Function>()
                .map(Some)
                .map_err(|_| self.bad(key, "a function")),
        }
    }

    /// Refuses fields not in `known` (a misspelt limit must not pass).
    pub fn only(&self, known: &[&str]) -> R<()> {
        for key in Object::keys(&Object::from(self.obj.clone())).iter() {
            let key = key.as_string().unwrap_or_default();
            if !known.contains(&key.as_str()) {
                let msg = format!(
                    "{}: unknown field `{key}`, expected one of {}",
                    self.what,
                    known.join(", ")
                );
                return Err(TypeError::new(&msg).into());
            }
        }
        Ok(())
    }
}

/// A plain object with these properties.
pub(crate) fn object(entries: &[(&str, JsValue)]) -> JsValue {
    let o = Object::new();
    for (k, v) in entries {
        // Setting a data property on a fresh plain object cannot fail.
        let _ = Reflect::set(&o, &(*k).into(), v);
    }
    o.into()
}
