//! Download your data: `POST /export` queues an archive, `GET /export` reports its progress,
//! `GET /export/{id}/download` streams it to its owner (and only to its owner) for 7 days.

use axum::{
    Json,
    body::Body,
    extract::{Path, State},
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};
use farewell_api::{ExportState, ExportStatus};
use time::OffsetDateTime;
use tokio_util::io::ReaderStream;

use crate::{
    clock::rfc3339,
    domain::random_id,
    error::{AppError, AppResult},
    export,
    extract::CurrentSession,
    openapi::Refusals,
    state::AppState,
    store::{self, exports::ExportRow},
};

fn status(row: &ExportRow) -> ExportStatus {
    ExportStatus {
        id: row.id.clone(),
        state: match row.state.as_str() {
            "queued" => ExportState::Queued,
            "building" => ExportState::Building,
            "ready" => ExportState::Ready,
            _ => ExportState::Failed,
        },
        items_done: row.items_done.max(0) as u64,
        items_total: row.items_total.max(0) as u64,
        bytes: row.bytes_written.max(0) as u64,
        sha256: row.sha256.clone(),
        expires_at: row.expires_at.and_then(|t| rfc3339(t).ok()),
        downloaded: row.downloaded_at.is_some(),
    }
}

/// `POST /export`: a new archive, unless one is already on its way (then that one).
#[utoipa::path(
    post,
    path = "/export",
    tag = "export",
    responses(
        (status = 202, body = ExportStatus, description = "Queued, or the one on its way."),
        Refusals,
    ),
    security(("session" = [])),
)]
pub async fn request(
    State(state): State<AppState>,
    session: CurrentSession,
) -> AppResult<(StatusCode, Json<ExportStatus>)> {
    let account = &session.account_id;
    // Checked and queued in one transaction, so that two quick presses queue one export.
    let mut tx = state.begin_write().await?;
    if let Some(row) = store::exports::latest(&mut *tx, account).await?
        && matches!(row.state.as_str(), "queued" | "building")
    {
        return Ok((StatusCode::ACCEPTED, Json(status(&row))));
    }
    let id = random_id();
    store::exports::insert(&mut *tx, &id, account, state.clock.unix()).await?;
    let row = store::exports::find(&mut *tx, account, &id).await?.ok_or(AppError::NotFound)?;
    tx.commit().await?;
    Ok((StatusCode::ACCEPTED, Json(status(&row))))
}

/// `GET /export`: the newest archive and how far it has come.
#[utoipa::path(
    get,
    path = "/export",
    tag = "export",
    responses((status = 200, body = ExportStatus), Refusals),
    security(("session" = [])),
)]
pub async fn latest(
    State(state): State<AppState>,
    session: CurrentSession,
) -> AppResult<Json<ExportStatus>> {
    let row =
        store::exports::latest(&state.db, &session.account_id).await?.ok_or(AppError::NotFound)?;
    Ok(Json(status(&row)))
}

/// `GET /export/{id}/download`: the zip, streamed from disk.
#[utoipa::path(
    get,
    path = "/export/{id}/download",
    tag = "export",
    params(("id" = String, Path, description = "The archive ID from `GET /export`.")),
    responses(
        (status = 200, body = Vec<u8>, content_type = "application/zip"),
        Refusals,
    ),
    security(("session" = [])),
)]
pub async fn download(
    State(state): State<AppState>,
    session: CurrentSession,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let row = store::exports::find(&state.db, &session.account_id, &id)
        .await?
        .ok_or(AppError::NotFound)?;
    let now = state.clock.unix();
    match row.state.as_str() {
        "queued" | "building" => return Err(AppError::NotReady),
        "ready" if row.expires_at.is_some_and(|at| at > now) => {}
        _ => return Err(AppError::NotFound),
    }
    let file = tokio::fs::File::open(export::archive_path(&state, &row.id))
        .await
        .map_err(|_| AppError::NotFound)?;
    let length = file.metadata().await.map_err(anyhow::Error::from)?.len();
    store::exports::downloaded(&mut *state.write_connection().await?, &row.id, now).await?;
    let date =
        OffsetDateTime::from_unix_timestamp(row.created_at).map_err(anyhow::Error::from)?.date();
    let disposition = format!("attachment; filename=\"farewell-data-{date}.zip\"");
    Ok((
        [
            (header::CONTENT_TYPE, "application/zip".to_owned()),
            (header::CONTENT_LENGTH, length.to_string()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        Body::from_stream(ReaderStream::new(file)),
    )
        .into_response())
}
