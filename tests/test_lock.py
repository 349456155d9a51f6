"""The lock (requirements/*.txt, made by `make lock`) agrees with pyproject.toml and with itself, and the venv
the tests run in holds exactly what it names: a fresh machine installs what was tested, not today's releases."""
import re
import tomllib
from importlib.metadata import PackageNotFoundError, version

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from conftest import REPO

BUILD_LOCK = REPO / "requirements" / "build.txt"
TEST_LOCK = REPO / "requirements" / "test.txt"
_PIN = re.compile(r"([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)")
_HASH = re.compile(r"--hash=sha256:[0-9a-f]{64}")


def read_lock(path) -> dict[str, Version]:
    """name -> pinned version; every line must be a pin, one of its hashes, or a comment."""
    pins: dict[str, Version] = {}
    hashes: dict[str, int] = {}
    name = None
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        text = line.strip().removesuffix("\\").strip()
        if not text or text.startswith("#"):
            continue
        if pin := _PIN.fullmatch(text):
            name = canonicalize_name(pin[1])
            assert name not in pins, f"{path.name}:{number}: {name} pinned twice"
            pins[name], hashes[name] = Version(pin[2]), 0
        elif _HASH.fullmatch(text) and name is not None:
            hashes[name] += 1
        else:
            pytest.fail(f"{path.name}:{number}: neither an exact pin nor its hash: {line!r}")
    assert pins, f"{path.name} pins nothing"
    assert not [n for n, count in hashes.items() if not count], f"{path.name}: pins without a hash"
    return pins


def pyproject():
    return tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))


def direct_requirements(*extras: str) -> list[Requirement]:
    """What pyproject.toml asks for: the build backend, the runtime dependencies and the given extras."""
    data = pyproject()
    wanted = data["build-system"]["requires"] + data["project"]["dependencies"]
    for extra in extras:
        wanted += data["project"]["optional-dependencies"][extra]
    return [r for r in map(Requirement, wanted) if r.marker is None or r.marker.evaluate()]


@pytest.mark.parametrize("lock, extras", [(BUILD_LOCK, ()), (TEST_LOCK, ("test",))], ids=["build", "test"])
def test_every_direct_dependency_is_pinned_within_its_range(lock, extras):
    pins = read_lock(lock)
    for requirement in direct_requirements(*extras):
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{lock.name} has no pin for {requirement}: run `make lock`"
        assert requirement.specifier.contains(pins[name], prereleases=True), (
            f"{lock.name} pins {name}=={pins[name]}, outside pyproject.toml's {requirement}: run `make lock`")


def test_the_test_lock_has_the_runtime_lock_s_versions():
    build, test = read_lock(BUILD_LOCK), read_lock(TEST_LOCK)
    assert {name: test.get(name) for name in build} == build


def test_the_venv_holds_what_the_lock_names():
    """`make test` installs from the lock; an installed version other than the locked one means the lock
    changed without a reinstall, or the packages were installed some other way."""
    wrong = {}
    for name, pinned in read_lock(TEST_LOCK).items():
        try:
            installed = Version(version(name))
        except PackageNotFoundError:
            installed = None
        if installed != pinned:
            wrong[name] = (str(pinned), installed and str(installed))
    assert not wrong, f"locked vs installed: {wrong}; run `make test` (it reinstalls from the lock)"
