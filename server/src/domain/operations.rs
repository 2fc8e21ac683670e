//! One operation of the caller's account by its id (`GET /v1/operations/{operation_id}`),
//! settled with the bank first if it is pending ([`crate::domain::money::operation`]).

use wallet_protocol::api::{id_well_formed, Operation};
use wallet_protocol::ErrorCode;

use crate::domain::error::{ApiError, ApiResult};
use crate::domain::money;
use crate::domain::state::AppState;

/// The operation, or `NOT_FOUND` for an id that is malformed, unknown or another account's.
pub async fn operation(
    state: &AppState,
    account_id: &str,
    operation_id: &str,
) -> ApiResult<Operation> {
    let not_found = || ApiError::detail(ErrorCode::NotFound, "no such operation");
    if !id_well_formed(operation_id) {
        return Err(not_found());
    }
    let row = state
        .store
        .operation(account_id, operation_id)
        .await?
        .ok_or_else(not_found)?;
    money::operation(state, &row).await
}
