//! SQLite statements run on the calling thread.
//!
//! sqlx gives every SQLite connection a thread of its own and hands each statement to it and
//! its rows back through channels: on two cores, waking those threads was 35–40% of the
//! server's time under load, and a point read cost more in hand-offs than in SQLite. A
//! statement on a warm page cache takes microseconds, so requests run theirs right where they
//! are asked for, on connections of this module's own that answer the same `AnyRow`s the rest
//! of the store decodes: store functions stay written once for both backends.
//!
//! Reads go through read-only connections (`Readers`), which never take SQLite's write lock,
//! so a read cannot wait on a writer (WAL), and a write sent there by mistake fails at once
//! instead of blocking the thread. Writes go through the write gate's one connection
//! (`SqliteConn::open_writer`), in their turn, so they never wait in SQLite's busy handler
//! either, except behind another process.

use std::{
    borrow::Cow,
    path::{Path, PathBuf},
    sync::{Arc, LazyLock, Mutex, RwLock},
    time::Duration,
};

use futures_util::{StreamExt, TryStreamExt, future::BoxFuture, stream::BoxStream};
use rusqlite::{
    OpenFlags,
    types::{ToSqlOutput, ValueRef},
};
use sqlx::{
    Any, Describe, Either, Execute, Executor,
    any::{AnyQueryResult, AnyRow, AnyStatement, AnyTypeInfo, AnyTypeInfoKind, AnyValue},
    error::{DatabaseError, ErrorKind},
};
use sqlx_core::{
    any::{AnyColumn, AnyValueKind},
    ext::ustr::UStr,
};

/// How many idle connections are kept. A read never awaits while it holds one, so no more
/// are in use at once than threads run reads.
const KEEP_IDLE: usize = 16;
/// Statements kept prepared per connection: every distinct query text of the store fits.
const STATEMENT_CACHE: usize = 128;

/// Read-only connections to one SQLite file.
#[derive(Debug)]
pub struct Readers {
    path: PathBuf,
    idle: Mutex<Vec<rusqlite::Connection>>,
}

impl Readers {
    pub fn new(path: &Path) -> Self {
        Self { path: path.to_owned(), idle: Mutex::new(Vec::new()) }
    }

    /// An idle connection, or a new one.
    pub fn checkout(self: &Arc<Self>) -> sqlx::Result<SqliteConn> {
        let idle = self.idle.lock().unwrap_or_else(|e| e.into_inner()).pop();
        let connection = match idle {
            Some(connection) => connection,
            None => open(&self.path, OpenFlags::SQLITE_OPEN_READ_ONLY).map_err(driver_error)?,
        };
        Ok(SqliteConn { connection: Some(connection), home: Some(self.clone()) })
    }

    /// The file these connections read.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// One statement's rows and result, on a connection checked out when first polled.
    pub fn fetch_many<'e, 'q: 'e, E: 'q + Execute<'q, Any>>(
        self: &Arc<Self>,
        query: E,
    ) -> BoxStream<'e, sqlx::Result<Step>> {
        let readers = self.clone();
        steps(async move { readers.checkout()?.run(query) })
    }

    /// One statement's first row, on a connection checked out when first polled.
    pub fn fetch_optional<'e, 'q: 'e, E: 'q + Execute<'q, Any>>(
        self: &Arc<Self>,
        query: E,
    ) -> BoxFuture<'e, sqlx::Result<Option<AnyRow>>> {
        let readers = self.clone();
        Box::pin(async move { readers.checkout()?.run(query).map(first_row) })
    }
}

fn open(path: &Path, flags: OpenFlags) -> rusqlite::Result<rusqlite::Connection> {
    let connection =
        rusqlite::Connection::open_with_flags(path, flags | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
    // A reader waits only while a WAL file is recovered; the writer, only behind another
    // process's write lock (this process's writers queue at the gate first).
    connection.busy_timeout(Duration::from_secs(5))?;
    connection.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    Ok(connection)
}

/// A connection whose statements run on the calling thread: a reader, back with its `Readers`
/// when dropped, or the write gate's writer.
#[derive(Debug)]
pub struct SqliteConn {
    connection: Option<rusqlite::Connection>,
    home: Option<Arc<Readers>>,
}

impl SqliteConn {
    /// A connection that may write, for the write gate.
    pub fn open_writer(path: &Path) -> sqlx::Result<Self> {
        let connection = open(path, OpenFlags::SQLITE_OPEN_READ_WRITE).map_err(driver_error)?;
        // WAL is a property of the file (set when it was created); these are per connection.
        // Checkpoints are `workers::checkpoint`'s, so that no commit waits on the disk.
        connection
            .execute_batch(
                "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; \
                 PRAGMA wal_autocheckpoint = 0;",
            )
            .map_err(driver_error)?;
        Ok(Self { connection: Some(connection), home: None })
    }

    /// Runs a transaction's control statement (`BEGIN IMMEDIATE`, `COMMIT`) at once.
    pub fn control(&self, sql: &str) -> sqlx::Result<()> {
        control(self.connection(), sql).map_err(driver_error)
    }

    /// Whether a transaction is open (BEGIN ran, and neither COMMIT nor ROLLBACK ended it).
    pub fn in_transaction(&self) -> bool {
        !self.connection().is_autocommit()
    }

    fn connection(&self) -> &rusqlite::Connection {
        self.connection.as_ref().expect("held until dropped")
    }

    /// Runs one statement to its end: its rows, then what it did.
    fn run<'q>(&self, query: impl Execute<'q, Any>) -> sqlx::Result<Vec<Step>> {
        run(self.connection(), query).map_err(|error| match error {
            RunError::Sqlite(error) => driver_error(error),
            RunError::Sqlx(error) => error,
        })
    }
}

impl Drop for SqliteConn {
    fn drop(&mut self) {
        let (Some(connection), Some(home)) = (self.connection.take(), &self.home) else { return };
        let mut idle = home.idle.lock().unwrap_or_else(|e| e.into_inner());
        if idle.len() < KEEP_IDLE {
            idle.push(connection);
        }
    }
}

/// Runs a statement that takes no parameters and yields no rows. It is prepared once per
/// connection: every request's read transaction and every write's turn run a few of these,
/// and running them as a batch, parsed each time, was 4.8% of `GET /deletion`'s CPU in a
/// profile.
fn control(connection: &rusqlite::Connection, sql: &str) -> rusqlite::Result<()> {
    connection.prepare_cached(sql)?.raw_execute().map(drop)
}

/// What a statement yields, in sqlx's terms.
pub type Step = Either<AnyQueryResult, AnyRow>;

/// The steps of a statement that `run` runs when the stream is first polled, like a query of
/// any other driver.
fn steps<'e>(
    run: impl Future<Output = sqlx::Result<Vec<Step>>> + Send + 'e,
) -> BoxStream<'e, sqlx::Result<Step>> {
    futures_util::stream::once(run)
        .map_ok(|steps| futures_util::stream::iter(steps.into_iter().map(Ok)))
        .try_flatten()
        .boxed()
}

fn first_row(steps: Vec<Step>) -> Option<AnyRow> {
    steps.into_iter().find_map(Either::right)
}

enum RunError {
    Sqlite(rusqlite::Error),
    Sqlx(sqlx::Error),
}

impl From<rusqlite::Error> for RunError {
    fn from(error: rusqlite::Error) -> Self {
        Self::Sqlite(error)
    }
}

/// SQLite's own failures (a constraint, a full disk) as sqlx reports a database's; anything
/// else rusqlite finds wrong as a driver error.
fn driver_error(error: rusqlite::Error) -> sqlx::Error {
    match error {
        rusqlite::Error::SqliteFailure(failure, message) => {
            sqlx::Error::Database(Box::new(SqliteError { failure, message }))
        }
        other => sqlx::Error::AnyDriverError(Box::new(other)),
    }
}

/// An error SQLite returned, with its extended result code.
#[derive(Debug)]
struct SqliteError {
    failure: rusqlite::ffi::Error,
    message: Option<String>,
}

impl std::fmt::Display for SqliteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.message {
            Some(message) => write!(f, "{message}"),
            None => write!(f, "{}", self.failure),
        }
    }
}

impl std::error::Error for SqliteError {}

impl DatabaseError for SqliteError {
    fn message(&self) -> &str {
        self.message.as_deref().unwrap_or("SQLite failed")
    }

    fn code(&self) -> Option<Cow<'_, str>> {
        Some(Cow::Owned(self.failure.extended_code.to_string()))
    }

    fn as_error(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
        self
    }

    fn as_error_mut(&mut self) -> &mut (dyn std::error::Error + Send + Sync + 'static) {
        self
    }

    fn into_error(self: Box<Self>) -> Box<dyn std::error::Error + Send + Sync + 'static> {
        self
    }

    fn kind(&self) -> ErrorKind {
        use rusqlite::ffi;
        match self.failure.extended_code {
            ffi::SQLITE_CONSTRAINT_UNIQUE | ffi::SQLITE_CONSTRAINT_PRIMARYKEY => {
                ErrorKind::UniqueViolation
            }
            ffi::SQLITE_CONSTRAINT_FOREIGNKEY => ErrorKind::ForeignKeyViolation,
            ffi::SQLITE_CONSTRAINT_NOTNULL => ErrorKind::NotNullViolation,
            ffi::SQLITE_CONSTRAINT_CHECK => ErrorKind::CheckViolation,
            _ => ErrorKind::Other,
        }
    }
}

fn run<'q>(
    connection: &rusqlite::Connection,
    mut query: impl Execute<'q, Any>,
) -> Result<Vec<Step>, RunError> {
    let arguments = query.take_arguments().map_err(|e| RunError::Sqlx(sqlx::Error::Encode(e)))?;
    let values = arguments.map(|a| a.values.0).unwrap_or_default();
    let mut statement = connection.prepare_cached(query.sql())?;
    for index in 1..=statement.parameter_count() {
        let position = argument_position(statement.parameter_name(index), index);
        let value = values.get(position).ok_or_else(|| {
            RunError::Sqlx(sqlx::Error::Protocol(format!(
                "the statement has parameter {index} but only {} values were bound",
                values.len()
            )))
        })?;
        statement.raw_bind_parameter(index, Argument(value))?;
    }
    let shape = (statement.column_count() > 0).then(|| Shape::of(&statement, query.sql()));
    let read_only = statement.readonly();
    let mut steps = Vec::new();
    let mut rows = statement.raw_query();
    while let Some(row) = rows.next()? {
        let shape = shape.as_deref().expect("a statement that yields rows has columns");
        let mut values = Vec::with_capacity(shape.columns.len());
        for i in 0..shape.columns.len() {
            values.push(AnyValue { kind: value_of(row.get_ref(i)?)? });
        }
        steps.push(Either::Right(AnyRow {
            column_names: shape.column_names.clone(),
            columns: shape.columns.clone(),
            values,
        }));
    }
    drop(rows);
    let rows_affected = if read_only { 0 } else { connection.changes() };
    steps.push(Either::Left(AnyQueryResult {
        rows_affected,
        last_insert_id: Some(connection.last_insert_rowid()),
    }));
    Ok(steps)
}

/// A statement's columns as sqlx's rows carry them: the same for every row and every run of
/// the same text, so they are built once per text (a few allocations per column, and a map of
/// names, that every read otherwise paid again).
#[derive(Debug)]
struct Shape {
    column_names: Arc<sqlx_core::HashMap<UStr, usize>>,
    columns: Vec<AnyColumn>,
}

/// Distinct statement texts whose shapes are kept: the store's queries number well under
/// this; a text built with a varying list (many placeholders) past it is shaped every time.
const SHAPES_KEPT: usize = 512;

static SHAPES: LazyLock<RwLock<sqlx_core::HashMap<Box<str>, Arc<Shape>>>> =
    LazyLock::new(RwLock::default);

impl Shape {
    fn of(statement: &rusqlite::Statement<'_>, sql: &str) -> Arc<Self> {
        if let Some(shape) = SHAPES.read().unwrap_or_else(|e| e.into_inner()).get(sql) {
            return shape.clone();
        }
        let names: Vec<UStr> = statement.column_names().into_iter().map(UStr::new).collect();
        let column_names = names.iter().cloned().enumerate().map(|(i, name)| (name, i)).collect();
        let columns = names
            .into_iter()
            .enumerate()
            .map(|(ordinal, name)| AnyColumn {
                ordinal,
                name,
                type_info: AnyTypeInfo { kind: AnyTypeInfoKind::Null },
            })
            .collect();
        let shape = Arc::new(Self { column_names: Arc::new(column_names), columns });
        let mut shapes = SHAPES.write().unwrap_or_else(|e| e.into_inner());
        if shapes.len() < SHAPES_KEPT {
            shapes.insert(sql.into(), shape.clone());
        }
        shape
    }
}

/// Which bound value a parameter takes: `$n` and `?n` name theirs (as sqlx's own SQLite
/// driver reads them), a bare `?` takes the next.
fn argument_position(name: Option<&str>, index: usize) -> usize {
    name.and_then(|n| n.strip_prefix(['$', '?']))
        .and_then(|n| n.parse::<usize>().ok())
        .map_or(index - 1, |n| n.saturating_sub(1))
}

/// A value bound by the generic driver, lent to SQLite without a copy.
struct Argument<'a>(&'a AnyValueKind<'a>);

impl rusqlite::ToSql for Argument<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::Borrowed(match self.0 {
            AnyValueKind::Bool(b) => ValueRef::Integer(i64::from(*b)),
            AnyValueKind::SmallInt(n) => ValueRef::Integer(i64::from(*n)),
            AnyValueKind::Integer(n) => ValueRef::Integer(i64::from(*n)),
            AnyValueKind::BigInt(n) => ValueRef::Integer(*n),
            AnyValueKind::Real(x) => ValueRef::Real(f64::from(*x)),
            AnyValueKind::Double(x) => ValueRef::Real(*x),
            AnyValueKind::Text(text) => ValueRef::Text(text.as_bytes()),
            AnyValueKind::Blob(bytes) => ValueRef::Blob(bytes),
            // `Null`, and any kind a later sqlx adds.
            _ => ValueRef::Null,
        }))
    }
}

/// A column's value as the generic driver's row holds it: by the value's own type, as sqlx's
/// SQLite driver reports it (an integer is a `BIGINT`, flags included).
fn value_of(value: ValueRef<'_>) -> Result<AnyValueKind<'static>, RunError> {
    Ok(match value {
        ValueRef::Null => AnyValueKind::Null(AnyTypeInfoKind::Null),
        ValueRef::Integer(n) => AnyValueKind::BigInt(n),
        ValueRef::Real(x) => AnyValueKind::Double(x),
        ValueRef::Text(text) => AnyValueKind::Text(Cow::Owned(
            String::from_utf8(text.to_vec())
                .map_err(|e| RunError::Sqlx(sqlx::Error::Decode(Box::new(e))))?,
        )),
        ValueRef::Blob(bytes) => AnyValueKind::Blob(Cow::Owned(bytes.to_vec())),
    })
}

impl<'c> Executor<'c> for &'c mut SqliteConn {
    type Database = Any;

    fn fetch_many<'e, 'q: 'e, E>(self, query: E) -> BoxStream<'e, sqlx::Result<Step>>
    where
        'c: 'e,
        E: 'q + Execute<'q, Any>,
    {
        steps(async move { self.run(query) })
    }

    fn fetch_optional<'e, 'q: 'e, E>(self, query: E) -> BoxFuture<'e, sqlx::Result<Option<AnyRow>>>
    where
        'c: 'e,
        E: 'q + Execute<'q, Any>,
    {
        Box::pin(async move { self.run(query).map(first_row) })
    }

    fn prepare_with<'e, 'q: 'e>(
        self,
        _sql: &'q str,
        _parameters: &'e [AnyTypeInfo],
    ) -> BoxFuture<'e, sqlx::Result<AnyStatement<'q>>>
    where
        'c: 'e,
    {
        Box::pin(async { Err(unsupported("prepare")) })
    }

    fn describe<'e, 'q: 'e>(self, _sql: &'q str) -> BoxFuture<'e, sqlx::Result<Describe<Any>>>
    where
        'c: 'e,
    {
        Box::pin(async { Err(unsupported("describe")) })
    }
}

/// The store only runs statements; preparing one apart is sqlx's business, not a reader's.
fn unsupported(what: &str) -> sqlx::Error {
    sqlx::Error::Protocol(format!("a SQLite reader cannot {what} a statement on its own"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_take_the_value_they_name() {
        assert_eq!(argument_position(Some("$1"), 1), 0);
        assert_eq!(argument_position(Some("$3"), 1), 2);
        assert_eq!(argument_position(Some("?2"), 1), 1);
        assert_eq!(argument_position(None, 4), 3);
    }
}
