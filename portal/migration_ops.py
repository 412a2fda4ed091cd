"""Migration operations of our own."""

from django.db.migrations.operations import AddIndex, RunSQL
from django.db.migrations.operations.base import Operation


class AddPostgresIndex(AddIndex):
    """Creates an index on PostgreSQL only, and leaves the model state alone.

    For indexes that only PostgreSQL can have (GIN on full-text expressions). The model's
    ``Meta.indexes`` does not list them, so ``makemigrations --check`` stays clean and SQLite
    never sees them (not even when it rebuilds a table). ``model`` is "app_label.model_name",
    so one migration can index models of several apps.
    """

    def __init__(self, model: str, index):
        self.target_app_label, model_name = model.lower().split(".")
        super().__init__(model_name, index)

    def state_forwards(self, app_label, state):
        pass

    def _run(self, schema_editor, state, method: str):
        if schema_editor.connection.vendor != "postgresql":
            return
        model = state.apps.get_model(self.target_app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            getattr(schema_editor, method)(model, self.index)

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        self._run(schema_editor, to_state, "add_index")

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        self._run(schema_editor, from_state, "remove_index")

    def deconstruct(self):
        return (
            self.__class__.__qualname__,
            [],
            {"model": f"{self.target_app_label}.{self.model_name}", "index": self.index},
        )

    def describe(self):
        model = f"{self.target_app_label}.{self.model_name}"
        return f"Create PostgreSQL index {self.index.name} on {model}"

    @property
    def migration_name_fragment(self):
        return f"{self.model_name_lower}_{self.index.name.lower()}"

    def reduce(self, operation, app_label):
        return Operation.reduce(self, operation, app_label)


class RunSQLOn(RunSQL):
    """RunSQL on one database vendor only ("postgresql", "sqlite"), for what only that
    database has: PostgreSQL functions, SQLite virtual tables."""

    def __init__(self, vendor: str, sql, reverse_sql=None, **kwargs):
        self.vendor = vendor
        super().__init__(sql, reverse_sql, **kwargs)

    def deconstruct(self):
        name, args, kwargs = super().deconstruct()
        return name, [self.vendor, *args], kwargs

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_backwards(app_label, schema_editor, from_state, to_state)

    def describe(self):
        return f"Raw SQL on {self.vendor}"
