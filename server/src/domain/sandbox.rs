//! The tester endpoints of sandbox mode (`--sandbox`): the SMS outbox. Outside the sandbox
//! they answer `SANDBOX_ONLY`.

use wallet_protocol::api::Outbox;
use wallet_protocol::{ErrorCode, PhoneNumber};

use crate::domain::error::{ApiError, ApiResult};
use crate::domain::state::AppState;
use crate::ports::sms;

/// `SANDBOX_ONLY` unless the server runs in sandbox mode. Tester routes call it before they
/// read their input, so outside the sandbox every request answers the same.
pub fn ensure_sandbox(state: &AppState) -> ApiResult<()> {
    if state.sandbox {
        Ok(())
    } else {
        Err(ApiError::new(ErrorCode::SandboxOnly))
    }
}

/// `GET /v1/sandbox/outbox?phone=P`: the messages sent to a phone (any spelling of it),
/// newest first.
pub async fn outbox(state: &AppState, phone: &str) -> ApiResult<Outbox> {
    ensure_sandbox(state)?;
    let phone = PhoneNumber::parse(phone)
        .map_err(|e| ApiError::detail(ErrorCode::PhoneInvalid, e.to_string()))?;
    Ok(sms::read_outbox(&state.store, &phone).await?)
}
