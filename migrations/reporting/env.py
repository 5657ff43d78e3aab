from services.common.alembic_env import run

run("reporting")
