//! Password hashing and sealing with Web Crypto, native in workerd: PBKDF2-HMAC-SHA256 for
//! passwords (`app::account::password`) and AES-256-GCM for the TOTP secrets kept in D1.
//! Nothing of this is compiled into the wasm: a few imports of `crypto.subtle`, and
//! `js_sys` (already in the tree through `worker`) to build their arguments.
//!
//! Only workerd runs these; the integration tests exercise them through the admin's flows.

use crate::error::AppError;
use app::account::password::{StoredHash, CALLS, PER_CALL_ITERATIONS};
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use worker::js_sys::{Array, ArrayBuffer, Object, Promise, Reflect, Uint8Array};
use worker::wasm_bindgen_futures::JsFuture;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = ["crypto", "subtle"], js_name = importKey, catch)]
    fn import_key(
        format: &str,
        key_data: &Uint8Array,
        algorithm: &Object,
        extractable: bool,
        usages: &Array,
    ) -> Result<Promise, JsValue>;

    #[wasm_bindgen(js_namespace = ["crypto", "subtle"], js_name = deriveBits, catch)]
    fn derive_bits(algorithm: &Object, key: &JsValue, length: u32) -> Result<Promise, JsValue>;

    #[wasm_bindgen(js_namespace = ["crypto", "subtle"], js_name = encrypt, catch)]
    fn encrypt(algorithm: &Object, key: &JsValue, data: &Uint8Array) -> Result<Promise, JsValue>;

    #[wasm_bindgen(js_namespace = ["crypto", "subtle"], js_name = decrypt, catch)]
    fn decrypt(algorithm: &Object, key: &JsValue, data: &Uint8Array) -> Result<Promise, JsValue>;
}

/// Bytes of an AES-GCM nonce, and of its tag.
const NONCE_BYTES: usize = 12;
const TAG_BYTES: usize = 16;

/// A plain object with these properties.
fn object(props: &[(&str, &JsValue)]) -> Result<Object, AppError> {
    let o = Object::new();
    for (name, value) in props {
        Reflect::set(&o, &JsValue::from_str(name), value)
            .map_err(|_| AppError::Internal("web crypto: argument"))?;
    }
    Ok(o)
}

/// A promise's value, or `what` as the error.
async fn settle(
    promise: Result<Promise, JsValue>,
    what: &'static str,
) -> Result<JsValue, AppError> {
    let promise = promise.map_err(|_| AppError::Internal(what))?;
    JsFuture::from(promise)
        .await
        .map_err(|_| AppError::Internal(what))
}

fn bytes_of(buffer: &JsValue) -> Result<Vec<u8>, AppError> {
    if !buffer.is_instance_of::<ArrayBuffer>() {
        return Err(AppError::Internal("web crypto: not an ArrayBuffer"));
    }
    Ok(Uint8Array::new(buffer).to_vec())
}

fn usages(names: &[&str]) -> Array {
    names.iter().map(|n| JsValue::from_str(n)).collect()
}

/// One PBKDF2-HMAC-SHA256 call of `iterations` (one `importKey` and one `deriveBits`): 32
/// bytes. More than `PER_CALL_ITERATIONS` is never asked of the platform (production
/// workerd refuses it): that, or none, is an internal error.
pub async fn pbkdf2_call(
    password: &[u8],
    salt: &[u8],
    iterations: u32,
) -> Result<[u8; 32], AppError> {
    if iterations == 0 || iterations > PER_CALL_ITERATIONS {
        return Err(AppError::Internal("pbkdf2: iterations out of range"));
    }
    let algorithm = object(&[("name", &JsValue::from_str("PBKDF2"))])?;
    let key = settle(
        import_key(
            "raw",
            &Uint8Array::from(password),
            &algorithm,
            false,
            &usages(&["deriveBits"]),
        ),
        "pbkdf2: importKey",
    )
    .await?;
    let params = object(&[
        ("name", &JsValue::from_str("PBKDF2")),
        ("hash", &JsValue::from_str("SHA-256")),
        ("salt", &Uint8Array::from(salt).into()),
        ("iterations", &JsValue::from(iterations)),
    ])?;
    let bits = settle(derive_bits(&params, &key, 256), "pbkdf2: deriveBits").await?;
    bytes_of(&bits)?
        .try_into()
        .map_err(|_| AppError::Internal("pbkdf2: not 32 bytes"))
}

/// `calls` PBKDF2 calls of `iterations`, chained: the first on the password, each next one
/// on the previous output, all with the same salt.
async fn chain(
    password: &[u8],
    salt: &[u8],
    iterations: u32,
    calls: u32,
) -> Result<[u8; 32], AppError> {
    let mut out = pbkdf2_call(password, salt, iterations).await?;
    for _ in 1..calls {
        out = pbkdf2_call(&out, salt, iterations).await?;
    }
    Ok(out)
}

/// A new password's hash with today's parameters (`CALLS` calls of `PER_CALL_ITERATIONS`):
/// store it as `StoredHash { iterations: PER_CALL_ITERATIONS, calls: CALLS, salt, hash }`.
pub async fn hash_password(password: &str, salt: &[u8]) -> Result<[u8; 32], AppError> {
    chain(password.as_bytes(), salt, PER_CALL_ITERATIONS, CALLS).await
}

/// Whether `password` is the one `stored` was made from, with the parameters it was made
/// with; compared in constant time. Each check writes one log line, the same for every hash
/// (the parameters only, never whose or how it ended): the tests count them, so that every
/// sign-in is seen to run exactly one, whatever the name typed (#27).
pub async fn verify_password(password: &str, stored: &StoredHash) -> Result<bool, AppError> {
    if stored.calls == 0 {
        return Ok(false);
    }
    let hash = chain(
        password.as_bytes(),
        &stored.salt,
        stored.iterations,
        stored.calls,
    )
    .await?;
    crate::log::event(
        "password_hashed",
        &[
            ("calls", &stored.calls.to_string()),
            ("iterations", &stored.iterations.to_string()),
        ],
    );
    Ok(app::keys::constant_time_eq(&hash, &stored.hash))
}

async fn aes_key(key: &[u8; 32], usage: &str) -> Result<JsValue, AppError> {
    let algorithm = object(&[("name", &JsValue::from_str("AES-GCM"))])?;
    settle(
        import_key(
            "raw",
            &Uint8Array::from(&key[..]),
            &algorithm,
            false,
            &usages(&[usage]),
        ),
        "aes-gcm: importKey",
    )
    .await
}

fn gcm(nonce: &[u8]) -> Result<Object, AppError> {
    object(&[
        ("name", &JsValue::from_str("AES-GCM")),
        ("iv", &Uint8Array::from(nonce).into()),
    ])
}

/// AES-256-GCM: `nonce ‖ ciphertext ‖ tag`. The nonce must never repeat under a key: give it
/// 12 random bytes (`platform::random_bytes`).
pub async fn seal(key: &[u8; 32], plaintext: &[u8], nonce: [u8; 12]) -> Result<Vec<u8>, AppError> {
    let k = aes_key(key, "encrypt").await?;
    let sealed = settle(
        encrypt(&gcm(&nonce)?, &k, &Uint8Array::from(plaintext)),
        "aes-gcm: encrypt",
    )
    .await?;
    let mut out = nonce.to_vec();
    out.extend(bytes_of(&sealed)?);
    Ok(out)
}

/// What [`seal`] sealed with `key`; `None` when `sealed` does not authenticate (another key,
/// a changed byte, too short).
pub async fn open(key: &[u8; 32], sealed: &[u8]) -> Result<Option<Vec<u8>>, AppError> {
    if sealed.len() < NONCE_BYTES + TAG_BYTES {
        return Ok(None);
    }
    let (nonce, body) = sealed.split_at(NONCE_BYTES);
    let k = aes_key(key, "decrypt").await?;
    let promise = decrypt(&gcm(nonce)?, &k, &Uint8Array::from(body))
        .map_err(|_| AppError::Internal("aes-gcm: decrypt"))?;
    match JsFuture::from(promise).await {
        Ok(plain) => Ok(Some(bytes_of(&plain)?)),
        // What a wrong key or a changed byte gives (Web Crypto: "OperationError").
        Err(e) if error_name(&e).as_deref() == Some("OperationError") => Ok(None),
        Err(_) => Err(AppError::Internal("aes-gcm: decrypt")),
    }
}

fn error_name(e: &JsValue) -> Option<String> {
    Reflect::get(e, &JsValue::from_str("name"))
        .ok()?
        .as_string()
}
