"""The Dockerfile and docker-compose.yml pass their static checks (`make lint`)."""
from deployments.lint import check_compose, check_dockerfile


def test_compose_file_is_valid():
    result = check_compose()
    assert result.returncode == 0, result.stdout + result.stderr


def test_dockerfile_passes_hadolint():
    result = check_dockerfile()
    assert result.returncode == 0, result.stdout + result.stderr
