"""Thresholds are settings: defaults, ranges, storage in the workspace, and a digest for caches."""

from lib.settings import DEFAULTS, SPECS, Settings
from lib.workspace.repository import Workspace


def test_every_setting_has_a_spec_and_explanation():
    from lib.i18n import t

    assert set(SPECS) == set(DEFAULTS.__dataclass_fields__)
    for name in SPECS:
        assert not t(f"setting.{name}").startswith("⟦")
        assert "Default" in t(f"setting.{name}.help", default=getattr(DEFAULTS, name))


def test_the_ten_to_one_rule_is_the_default():
    assert DEFAULTS.acquisition_cost_ratio == 10.0


def test_values_are_cast_and_kept_in_range():
    changed = DEFAULTS.updated({"loyal_min_purchases": "4.4", "churn_horizon_days": 5, "rhythm_tolerance": 99})
    assert changed.loyal_min_purchases == 4 and isinstance(changed.loyal_min_purchases, int)
    assert changed.churn_horizon_days == SPECS["churn_horizon_days"].minimum
    assert changed.rhythm_tolerance == SPECS["rhythm_tolerance"].maximum


def test_stored_settings_survive_and_unknown_names_are_ignored(tmp_path):
    workspace = Workspace(tmp_path)
    assert workspace.settings() == DEFAULTS
    workspace.save_settings(DEFAULTS.updated({"cooling_days": 10}))
    assert Workspace(tmp_path).settings().cooling_days == 10
    assert Settings.from_json('{"cooling_days": 7, "gone": 1}').cooling_days == 7


def test_a_changed_value_changes_the_digest():
    assert DEFAULTS.digest() == Settings().digest()
    assert DEFAULTS.updated({"trial_days": 60}).digest() != DEFAULTS.digest()
