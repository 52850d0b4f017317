use thiserror::Error;

#[derive(Debug, Error)]
pub enum StorageError {
    #[error("数据库配置错误：{0}")]
    Config(String),
    /// A unique constraint refused the write; the text names what already exists.
    #[error("{0}")]
    Duplicate(String),
    /// The record changed since the caller read it.
    #[error("记录已被他人修改，请刷新后重试")]
    VersionConflict,
    #[error("记录不存在")]
    NotFound,
    #[error("数据库错误：{0}")]
    Db(#[from] sqlx::Error),
    #[error("迁移失败：{0}")]
    Migration(String),
    /// No connection, or no turn to write, within the wait allowed.
    #[error("系统繁忙，请稍后再试")]
    Busy,
}

impl StorageError {
    /// The database had no connection or no writer's turn free in time (answer 503, retry).
    pub fn is_busy(&self) -> bool {
        matches!(self, StorageError::Busy | StorageError::Db(sqlx::Error::PoolTimedOut))
    }

    /// Maps a unique violation to `Duplicate(message)`, other errors unchanged.
    pub fn duplicate_as(self, message: &str) -> StorageError {
        match &self {
            StorageError::Db(sqlx::Error::Database(e)) if e.is_unique_violation() => StorageError::Duplicate(message.to_string()),
            _ => self,
        }
    }
}

pub type Result<T, E = StorageError> = std::result::Result<T, E>;
