//! One SQL surface over both engines, so each repository method is written once.
//!
//! The repository functions take a [`Db`] and speak portable SQL (`?N` placeholders, `TEXT` and
//! `BIGINT` columns, `ON CONFLICT`); this module runs it on SQLite (rusqlite) or PostgreSQL (the
//! synchronous `postgres` client, from the blocking pool). Values cross as [`Value`], so neither
//! engine's type system leaks into the repositories.
//!
//! Transactions: [`Db::transaction_with_behavior`] with [`Behavior::Immediate`] gives SQLite's
//! single-writer guarantee on both engines (on PostgreSQL, an exclusive transaction-scoped
//! advisory lock). [`Db::transaction_locking`] serialises only writers of the same keys (for
//! example one account) and lets the rest run side by side on PostgreSQL; on SQLite it is the
//! same single writer.

use std::cell::RefCell;
use std::collections::HashMap;

use super::StoreError;

/// A value as it crosses the boundary: SQLite's storage classes, which PostgreSQL's `BIGINT`,
/// `INTEGER`, `TEXT`, `BYTEA` and `BOOLEAN` map onto.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Null,
    Int(i64),
    Text(String),
    Blob(Vec<u8>),
}

/// What may be bound to a placeholder.
pub trait ToValue {
    fn to_value(&self) -> Value;
}

impl<T: ToValue + ?Sized> ToValue for &T {
    fn to_value(&self) -> Value {
        (**self).to_value()
    }
}
impl ToValue for str {
    fn to_value(&self) -> Value {
        Value::Text(self.to_owned())
    }
}
impl ToValue for String {
    fn to_value(&self) -> Value {
        Value::Text(self.clone())
    }
}
impl ToValue for [u8] {
    fn to_value(&self) -> Value {
        Value::Blob(self.to_vec())
    }
}
impl ToValue for Vec<u8> {
    fn to_value(&self) -> Value {
        Value::Blob(self.clone())
    }
}
impl ToValue for bool {
    fn to_value(&self) -> Value {
        Value::Int(i64::from(*self))
    }
}
impl<T: ToValue> ToValue for Option<T> {
    fn to_value(&self) -> Value {
        self.as_ref().map_or(Value::Null, ToValue::to_value)
    }
}
impl ToValue for Value {
    fn to_value(&self) -> Value {
        self.clone()
    }
}
macro_rules! int_to_value {
    ($($t:ty),*) => {$(
        impl ToValue for $t {
            fn to_value(&self) -> Value {
                Value::Int(i64::from(*self))
            }
        }
    )*};
}
int_to_value!(i64, i32, u32, u16, u8);
impl ToValue for u64 {
    /// Values above `i64::MAX` never occur in this schema; they saturate rather than wrap.
    fn to_value(&self) -> Value {
        Value::Int(i64::try_from(*self).unwrap_or(i64::MAX))
    }
}
impl ToValue for usize {
    fn to_value(&self) -> Value {
        Value::Int(i64::try_from(*self).unwrap_or(i64::MAX))
    }
}

/// What a column may be read as.
pub trait FromValue: Sized {
    fn from_value(v: Value) -> Result<Self, StoreError>;
}

fn wrong_type(want: &str, got: &Value) -> StoreError {
    let got = match got {
        Value::Null => "NULL",
        Value::Int(_) => "an integer",
        Value::Text(_) => "text",
        Value::Blob(_) => "a blob",
    };
    StoreError::Corrupt(format!("expected {want}, found {got}"))
}

impl FromValue for Value {
    fn from_value(v: Value) -> Result<Self, StoreError> {
        Ok(v)
    }
}
impl FromValue for String {
    fn from_value(v: Value) -> Result<Self, StoreError> {
        match v {
            Value::Text(s) => Ok(s),
            other => Err(wrong_type("text", &other)),
        }
    }
}
impl FromValue for Vec<u8> {
    fn from_value(v: Value) -> Result<Self, StoreError> {
        match v {
            Value::Blob(b) => Ok(b),
            Value::Text(s) => Ok(s.into_bytes()),
            other => Err(wrong_type("a blob", &other)),
        }
    }
}
impl FromValue for i64 {
    fn from_value(v: Value) -> Result<Self, StoreError> {
        match v {
            Value::Int(i) => Ok(i),
            other => Err(wrong_type("an integer", &other)),
        }
    }
}
impl FromValue for bool {
    fn from_value(v: Value) -> Result<Self, StoreError> {
        i64::from_value(v).map(|i| i != 0)
    }
}
macro_rules! int_from_value {
    ($($t:ty),*) => {$(
        impl FromValue for $t {
            fn from_value(v: Value) -> Result<Self, StoreError> {
                let i = i64::from_value(v)?;
                <$t>::try_from(i).map_err(|_| {
                    StoreError::Corrupt(format!("{i} is out of range for {}", stringify!($t)))
                })
            }
        }
    )*};
}
int_from_value!(i32, u32, u64, u16, u8, usize);
impl<T: FromValue> FromValue for Option<T> {
    fn from_value(v: Value) -> Result<Self, StoreError> {
        match v {
            Value::Null => Ok(None),
            v => T::from_value(v).map(Some),
        }
    }
}

/// The placeholder values of one statement: `[a, b]`, `[]` or `params![a, b]`.
pub trait Params {
    fn into_values(self) -> Vec<Value>;
}
impl Params for &[&dyn ToValue] {
    fn into_values(self) -> Vec<Value> {
        self.iter().map(|v| v.to_value()).collect()
    }
}
impl Params for [&dyn ToValue; 0] {
    fn into_values(self) -> Vec<Value> {
        Vec::new()
    }
}
macro_rules! array_params {
    ($($n:literal),*) => {$(
        impl<T: ToValue> Params for [T; $n] {
            fn into_values(self) -> Vec<Value> {
                self.iter().map(ToValue::to_value).collect()
            }
        }
        impl<T: ToValue> Params for &[T; $n] {
            fn into_values(self) -> Vec<Value> {
                self.iter().map(ToValue::to_value).collect()
            }
        }
    )*};
}
array_params!(1, 2, 3, 4, 5, 6, 7, 8);

/// `params![a, b, c]`: values of mixed types for one statement.
macro_rules! params {
    () => {
        &[] as &[&dyn $crate::store::db::ToValue]
    };
    ($($v:expr),+ $(,)?) => {
        &[$(&$v as &dyn $crate::store::db::ToValue),+] as &[&dyn $crate::store::db::ToValue]
    };
}
pub(crate) use params;

/// `.optional()` on a single-row query: no row is `None`, not an error.
pub trait OptionalExtension<T> {
    fn optional(self) -> Result<Option<T>, StoreError>;
}
impl<T> OptionalExtension<T> for Result<T, StoreError> {
    fn optional(self) -> Result<Option<T>, StoreError> {
        match self {
            Ok(v) => Ok(Some(v)),
            Err(StoreError::NoRow) => Ok(None),
            Err(e) => Err(e),
        }
    }
}

/// One result row.
pub struct Row {
    values: Vec<Value>,
}

impl Row {
    /// Every column, in order (the copy tool).
    pub fn into_values(self) -> Vec<Value> {
        self.values
    }

    pub fn get<I: RowIndex, T: FromValue>(&self, idx: I) -> Result<T, StoreError> {
        let i = idx.index();
        let v = self
            .values
            .get(i)
            .cloned()
            .ok_or_else(|| StoreError::Corrupt(format!("no column {i}")))?;
        T::from_value(v)
    }
}

/// Column positions (numbers only: the repositories select columns in a known order).
pub trait RowIndex {
    fn index(&self) -> usize;
}
impl RowIndex for usize {
    fn index(&self) -> usize {
        *self
    }
}

/// How a transaction takes its locks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Behavior {
    /// Reads see one snapshot; no write lock is taken up front.
    Deferred,
    /// The writer lock up front: no other writing transaction runs meanwhile.
    Immediate,
    /// Read-only, every statement sees the same snapshot (PostgreSQL: REPEATABLE READ).
    Snapshot,
}

/// A connection of either engine (one per pooled slot or per SQLite file: never moved around
/// enough for the size of the variants to matter).
#[allow(clippy::large_enum_variant)]
pub enum Db {
    Sqlite(rusqlite::Connection),
    Postgres(PgConn),
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.engine())
    }
}

impl Db {
    pub fn engine(&self) -> &'static str {
        match self {
            Db::Sqlite(_) => "sqlite",
            Db::Postgres(_) => "postgres",
        }
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self, Db::Postgres(_))
    }

    /// Runs a statement; the number of rows it changed.
    pub fn execute<P: Params>(&self, sql: &str, params: P) -> Result<usize, StoreError> {
        let values = params.into_values();
        match self {
            Db::Sqlite(c) => {
                let mut stmt = c.prepare_cached(sql)?;
                Ok(stmt.execute(rusqlite::params_from_iter(values.iter().map(SqliteValue)))?)
            }
            Db::Postgres(pg) => pg.execute(sql, &values),
        }
    }

    /// Several statements without parameters (migrations, pragmas).
    pub fn execute_batch(&self, sql: &str) -> Result<(), StoreError> {
        match self {
            Db::Sqlite(c) => Ok(c.execute_batch(sql)?),
            Db::Postgres(pg) => pg.batch(sql),
        }
    }

    /// Every row of a query.
    pub fn query<P: Params>(&self, sql: &str, params: P) -> Result<Vec<Row>, StoreError> {
        let values = params.into_values();
        match self {
            Db::Sqlite(c) => {
                let mut stmt = c.prepare_cached(sql)?;
                let width = stmt.column_count();
                let mut rows =
                    stmt.query(rusqlite::params_from_iter(values.iter().map(SqliteValue)))?;
                let mut out = Vec::new();
                while let Some(r) = rows.next()? {
                    let mut vals = Vec::with_capacity(width);
                    for i in 0..width {
                        vals.push(sqlite_value(r.get_ref(i)?));
                    }
                    out.push(Row { values: vals });
                }
                Ok(out)
            }
            Db::Postgres(pg) => pg.query(sql, &values),
        }
    }

    /// The first row mapped by `f`; [`StoreError::NoRow`] when there is none.
    pub fn query_row<T, P, F>(&self, sql: &str, params: P, f: F) -> Result<T, StoreError>
    where
        P: Params,
        F: FnOnce(&Row) -> Result<T, StoreError>,
    {
        let rows = self.query(sql, params)?;
        match rows.first() {
            Some(r) => f(r),
            None => Err(StoreError::NoRow),
        }
    }

    /// A statement to run with [`Stmt::query_map`], in rusqlite's shape.
    pub fn prepare(&self, sql: &str) -> Result<Stmt<'_>, StoreError> {
        Ok(Stmt {
            db: self,
            sql: sql.to_owned(),
        })
    }

    /// Starts a transaction; it rolls back when dropped without [`Tx::commit`].
    pub fn transaction_with_behavior(&self, behavior: Behavior) -> Result<Tx<'_>, StoreError> {
        match self {
            Db::Sqlite(c) => c.execute_batch(match behavior {
                Behavior::Deferred | Behavior::Snapshot => "BEGIN DEFERRED",
                Behavior::Immediate => "BEGIN IMMEDIATE",
            })?,
            Db::Postgres(pg) => {
                pg.batch(if behavior == Behavior::Snapshot {
                    "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
                } else {
                    "BEGIN"
                })?;
                let tx = Tx {
                    db: self,
                    open: true,
                };
                if behavior == Behavior::Immediate {
                    pg.execute(
                        "SELECT pg_advisory_xact_lock(?1)",
                        &[Value::Int(WRITER_LOCK)],
                    )?;
                }
                return Ok(tx);
            }
        }
        Ok(Tx {
            db: self,
            open: true,
        })
    }

    /// Starts a transaction that excludes only other writers of the same `keys` (and every
    /// [`Behavior::Immediate`] transaction). On SQLite this is the single writer lock.
    pub fn transaction_locking(&self, keys: &[&str]) -> Result<Tx<'_>, StoreError> {
        match self {
            Db::Sqlite(_) => self.transaction_with_behavior(Behavior::Immediate),
            Db::Postgres(pg) => {
                pg.batch("BEGIN")?;
                let tx = Tx {
                    db: self,
                    open: true,
                };
                pg.execute(
                    "SELECT pg_advisory_xact_lock_shared(?1)",
                    &[Value::Int(WRITER_LOCK)],
                )?;
                // Sorted and without repeats, so two writers never wait on each other in turn.
                let mut keys = keys.to_vec();
                keys.sort_unstable();
                keys.dedup();
                for key in keys {
                    pg.execute(
                        "SELECT pg_advisory_xact_lock(hashtextextended(?1, 0))",
                        &[Value::Text(key.to_owned())],
                    )?;
                }
                Ok(tx)
            }
        }
    }

    /// A plain transaction (rusqlite's `transaction()`).
    pub fn transaction(&self) -> Result<Tx<'_>, StoreError> {
        self.transaction_with_behavior(Behavior::Deferred)
    }
}

/// The advisory-lock key of the whole-database writer lock (PostgreSQL).
const WRITER_LOCK: i64 = 0x5741_4C4C_4554; // "WALLET"

/// A statement bound to its connection.
pub struct Stmt<'a> {
    db: &'a Db,
    sql: String,
}

impl Stmt<'_> {
    pub fn query_map<T, P, F>(
        &mut self,
        params: P,
        mut f: F,
    ) -> Result<std::vec::IntoIter<Result<T, StoreError>>, StoreError>
    where
        P: Params,
        F: FnMut(&Row) -> Result<T, StoreError>,
    {
        let rows = self.db.query(&self.sql, params)?;
        Ok(rows.iter().map(&mut f).collect::<Vec<_>>().into_iter())
    }
}

/// An open transaction; derefs to its connection.
pub struct Tx<'a> {
    db: &'a Db,
    open: bool,
}

impl Tx<'_> {
    pub fn commit(mut self) -> Result<(), StoreError> {
        self.open = false;
        self.db.execute_batch("COMMIT")
    }

    /// Ends a read-only transaction (rusqlite's `finish`).
    pub fn finish(self) -> Result<(), StoreError> {
        self.commit()
    }
}

impl std::ops::Deref for Tx<'_> {
    type Target = Db;
    fn deref(&self) -> &Db {
        self.db
    }
}

impl Drop for Tx<'_> {
    fn drop(&mut self) {
        if self.open {
            if let Err(e) = self.db.execute_batch("ROLLBACK") {
                tracing::warn!(error = %e, "rollback failed");
                if let Db::Postgres(pg) = self.db {
                    pg.mark_broken();
                }
            }
        }
    }
}

// --- SQLite ---

struct SqliteValue<'a>(&'a Value);

impl rusqlite::ToSql for SqliteValue<'_> {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, ValueRef};
        Ok(ToSqlOutput::Borrowed(match self.0 {
            Value::Null => ValueRef::Null,
            Value::Int(i) => ValueRef::Integer(*i),
            Value::Text(s) => ValueRef::Text(s.as_bytes()),
            Value::Blob(b) => ValueRef::Blob(b),
        }))
    }
}

fn sqlite_value(v: rusqlite::types::ValueRef<'_>) -> Value {
    use rusqlite::types::ValueRef;
    match v {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(i) => Value::Int(i),
        // No column of this schema holds a REAL; keep the integer part rather than fail.
        #[allow(clippy::cast_possible_truncation)]
        ValueRef::Real(f) => Value::Int(f as i64),
        ValueRef::Text(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Blob(b) => Value::Blob(b.to_vec()),
    }
}

// --- PostgreSQL ---

/// One PostgreSQL connection with its prepared statements, keyed by the portable SQL.
pub struct PgConn {
    client: RefCell<Option<postgres::Client>>,
    statements: RefCell<HashMap<String, postgres::Statement>>,
    broken: std::cell::Cell<bool>,
}

impl PgConn {
    pub fn new(client: postgres::Client) -> Self {
        Self {
            client: RefCell::new(Some(client)),
            statements: RefCell::default(),
            broken: std::cell::Cell::new(false),
        }
    }

    pub fn is_broken(&self) -> bool {
        self.broken.get()
            || self
                .client
                .try_borrow()
                .map(|c| c.as_ref().is_none_or(postgres::Client::is_closed))
                .unwrap_or(true)
    }

    fn mark_broken(&self) {
        self.broken.set(true);
    }

    fn with_client<T>(
        &self,
        f: impl FnOnce(&mut postgres::Client) -> Result<T, postgres::Error>,
    ) -> Result<T, StoreError> {
        let mut guard = self
            .client
            .try_borrow_mut()
            .map_err(|_| StoreError::Worker("connection used re-entrantly".to_owned()))?;
        let client = guard
            .as_mut()
            .ok_or_else(|| StoreError::Worker("connection closed".to_owned()))?;
        let result = f(client);
        if let Err(e) = &result {
            if e.is_closed() {
                self.broken.set(true);
            }
        }
        result.map_err(StoreError::from)
    }

    fn statement(&self, sql: &str) -> Result<postgres::Statement, StoreError> {
        if let Some(s) = self.statements.borrow().get(sql) {
            return Ok(s.clone());
        }
        let translated = to_postgres_sql(sql);
        let stmt = self.with_client(|c| c.prepare(&translated))?;
        self.statements
            .borrow_mut()
            .insert(sql.to_owned(), stmt.clone());
        Ok(stmt)
    }

    fn execute(&self, sql: &str, values: &[Value]) -> Result<usize, StoreError> {
        let stmt = self.statement(sql)?;
        let params: Vec<&(dyn postgres::types::ToSql + Sync)> = values
            .iter()
            .map(|v| v as &(dyn postgres::types::ToSql + Sync))
            .collect();
        let n = self.with_client(|c| c.execute(&stmt, &params))?;
        Ok(usize::try_from(n).unwrap_or(usize::MAX))
    }

    fn query(&self, sql: &str, values: &[Value]) -> Result<Vec<Row>, StoreError> {
        let stmt = self.statement(sql)?;
        let params: Vec<&(dyn postgres::types::ToSql + Sync)> = values
            .iter()
            .map(|v| v as &(dyn postgres::types::ToSql + Sync))
            .collect();
        let rows = self.with_client(|c| c.query(&stmt, &params))?;
        rows.iter().map(pg_row).collect()
    }

    fn batch(&self, sql: &str) -> Result<(), StoreError> {
        self.with_client(|c| c.batch_execute(sql))
    }
}

impl Drop for PgConn {
    /// The client owns a small runtime of its own, which must not be shut down on a thread that
    /// drives async tasks: hand it to a plain thread there.
    fn drop(&mut self) {
        if let Some(client) = self.client.get_mut().take() {
            if tokio::runtime::Handle::try_current().is_ok() {
                std::thread::spawn(move || drop(client));
            }
        }
    }
}

/// `?N` placeholders become `$N` (a bare `?` takes the next number); quoted text is left alone.
pub fn to_postgres_sql(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 8);
    let mut chars = sql.chars().peekable();
    let mut in_quote = false;
    let mut next = 1;
    while let Some(ch) = chars.next() {
        match ch {
            '\'' => {
                in_quote = !in_quote;
                out.push(ch);
            }
            '?' if !in_quote => {
                let mut digits = String::new();
                while let Some(d) = chars.peek().copied().filter(char::is_ascii_digit) {
                    digits.push(d);
                    chars.next();
                }
                if digits.is_empty() {
                    digits = next.to_string();
                }
                next = digits.parse::<u32>().unwrap_or(next) + 1;
                out.push('$');
                out.push_str(&digits);
            }
            _ => out.push(ch),
        }
    }
    out
}

impl postgres::types::ToSql for Value {
    fn to_sql(
        &self,
        ty: &postgres::types::Type,
        out: &mut postgres::types::private::BytesMut,
    ) -> Result<postgres::types::IsNull, Box<dyn std::error::Error + Sync + Send>> {
        use postgres::types::{IsNull, Type};
        match self {
            Value::Null => Ok(IsNull::Yes),
            Value::Int(i) => match *ty {
                Type::INT8 => i.to_sql(ty, out),
                Type::INT4 => i32::try_from(*i)?.to_sql(ty, out),
                Type::INT2 => i16::try_from(*i)?.to_sql(ty, out),
                Type::BOOL => (*i != 0).to_sql(ty, out),
                Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME | Type::UNKNOWN => {
                    i.to_string().to_sql(ty, out)
                }
                _ => Err(format!("cannot bind an integer to {ty}").into()),
            },
            Value::Text(s) => match *ty {
                Type::INT8 => s.parse::<i64>()?.to_sql(ty, out),
                Type::INT4 => s.parse::<i32>()?.to_sql(ty, out),
                Type::BYTEA => s.as_bytes().to_sql(ty, out),
                _ => s.as_str().to_sql(ty, out),
            },
            Value::Blob(b) => match *ty {
                Type::BYTEA => b.as_slice().to_sql(ty, out),
                _ => String::from_utf8(b.clone())?.as_str().to_sql(ty, out),
            },
        }
    }

    fn accepts(_: &postgres::types::Type) -> bool {
        true
    }

    postgres::types::to_sql_checked!();
}

fn pg_row(row: &postgres::Row) -> Result<Row, StoreError> {
    use postgres::types::Type;
    let mut values = Vec::with_capacity(row.len());
    for (i, col) in row.columns().iter().enumerate() {
        let v = match *col.type_() {
            Type::INT8 => row.try_get::<_, Option<i64>>(i)?.map(Value::Int),
            Type::INT4 => row
                .try_get::<_, Option<i32>>(i)?
                .map(|v| Value::Int(v.into())),
            Type::INT2 => row
                .try_get::<_, Option<i16>>(i)?
                .map(|v| Value::Int(v.into())),
            Type::BOOL => row
                .try_get::<_, Option<bool>>(i)?
                .map(|v| Value::Int(v.into())),
            Type::NUMERIC => row
                .try_get::<_, Option<PgNumeric>>(i)?
                .map(|n| Value::Int(n.0)),
            Type::BYTEA => row.try_get::<_, Option<Vec<u8>>>(i)?.map(Value::Blob),
            _ => row.try_get::<_, Option<String>>(i)?.map(Value::Text),
        };
        values.push(v.unwrap_or(Value::Null));
    }
    Ok(Row { values })
}

/// A whole `NUMERIC` (what `SUM` over `BIGINT` returns on PostgreSQL), read as an `i64`.
struct PgNumeric(i64);

impl<'a> postgres::types::FromSql<'a> for PgNumeric {
    fn from_sql(
        _: &postgres::types::Type,
        raw: &'a [u8],
    ) -> Result<Self, Box<dyn std::error::Error + Sync + Send>> {
        let word = |i: usize| -> Result<i16, Box<dyn std::error::Error + Sync + Send>> {
            let b = raw.get(i..i + 2).ok_or("short numeric")?;
            Ok(i16::from_be_bytes([b[0], b[1]]))
        };
        let ndigits = usize::try_from(word(0)?)?;
        let weight = i32::from(word(2)?);
        let sign = u16::from_be_bytes(word(4)?.to_be_bytes());
        if sign == 0xC000 {
            return Err("NaN is not a number of money".into());
        }
        let mut value: i64 = 0;
        for k in 0..ndigits {
            let digit = i64::from(word(8 + 2 * k)?);
            let position = weight - i32::try_from(k)?;
            if position < 0 {
                if digit != 0 {
                    return Err("a fraction where a whole number was expected".into());
                }
                continue;
            }
            value = value
                .checked_add(
                    digit
                        .checked_mul(
                            10_000_i64
                                .checked_pow(position.try_into()?)
                                .ok_or("overflow")?,
                        )
                        .ok_or("overflow")?,
                )
                .ok_or("overflow")?;
        }
        Ok(PgNumeric(if sign == 0x4000 { -value } else { value }))
    }

    fn accepts(ty: &postgres::types::Type) -> bool {
        *ty == postgres::types::Type::NUMERIC
    }
}

/// The r2d2 manager of PostgreSQL connections.
#[derive(Debug)]
pub struct PgManager {
    pub config: postgres::Config,
}

impl r2d2::ManageConnection for PgManager {
    type Connection = Db;
    type Error = postgres::Error;

    fn connect(&self) -> Result<Db, postgres::Error> {
        let client = self.config.connect(postgres::NoTls)?;
        Ok(Db::Postgres(PgConn::new(client)))
    }

    fn is_valid(&self, conn: &mut Db) -> Result<(), postgres::Error> {
        if let Db::Postgres(pg) = conn {
            if let Some(c) = pg.client.get_mut().as_mut() {
                return c.simple_query("").map(|_| ());
            }
        }
        Ok(())
    }

    fn has_broken(&self, conn: &mut Db) -> bool {
        match conn {
            Db::Postgres(pg) => pg.is_broken(),
            Db::Sqlite(_) => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::to_postgres_sql;

    #[test]
    fn placeholders_become_numbered_dollars_outside_quotes() {
        assert_eq!(
            to_postgres_sql("SELECT a FROM t WHERE b = ?2 AND c = ?1 AND d = '?'"),
            "SELECT a FROM t WHERE b = $2 AND c = $1 AND d = '?'"
        );
        assert_eq!(to_postgres_sql("VALUES (?, ?)"), "VALUES ($1, $2)");
        assert_eq!(to_postgres_sql("x = ?10"), "x = $10");
    }
}
