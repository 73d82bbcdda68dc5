"""The DynamoDB adapter: key design (items.py), reads (reader.py), transactional writes (unit_of_work.py)."""

from returns_shared.adapters.dynamodb.reader import DynamoReturnsRepository
from returns_shared.adapters.dynamodb.unit_of_work import DynamoUnitOfWork

__all__ = ["DynamoReturnsRepository", "DynamoUnitOfWork"]
