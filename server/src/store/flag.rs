//! Yes/no columns. SQLite has no boolean type, so flags are 0/1 integers on both backends and
//! every query reads them alike; an expression such as `EXISTS (…)` is an integer on SQLite and
//! a boolean on PostgreSQL, and both decode here.

use sqlx::{
    Any, Decode, Type, ValueRef,
    any::{AnyTypeInfo, AnyTypeInfoKind, AnyValueRef},
    error::BoxDynError,
};

/// A flag as read from a row: use it as `#[sqlx(try_from = "Flag")] field: bool`.
pub struct Flag(pub bool);

impl From<Flag> for bool {
    fn from(flag: Flag) -> Self {
        flag.0
    }
}

impl Type<Any> for Flag {
    fn type_info() -> AnyTypeInfo {
        <i64 as Type<Any>>::type_info()
    }

    fn compatible(ty: &AnyTypeInfo) -> bool {
        ty.kind() == AnyTypeInfoKind::Bool || <i64 as Type<Any>>::compatible(ty)
    }
}

impl<'r> Decode<'r, Any> for Flag {
    fn decode(value: AnyValueRef<'r>) -> Result<Self, BoxDynError> {
        if value.type_info().kind() == AnyTypeInfoKind::Bool {
            return Ok(Self(<bool as Decode<Any>>::decode(value)?));
        }
        Ok(Self(<i64 as Decode<Any>>::decode(value)? != 0))
    }
}
