"""The `scenarios:` config section: parsed into rules, and refused with file:line:field errors."""

from pathlib import Path

import pytest

from camvault.config import ConfigError, load_config
from camvault.core.scenarios import Action, Trigger

GOOD = """\
scenarios:
  - id: 3
    name: Night watch
    when:
      kind: schedule
      times: ["22:00", "06:30"]
      weekdays: [mon, fri]
    then:
      - {kind: record, camera_ids: [1, 2], duration_s: 60}
      - {kind: command, command_id: 7}
      - {kind: screen, screen_id: 1, mosaic_id: 4}
  - id: 4
    name: Plates
    ignored: true
    when: {kind: metadata, type: plate}
    then: [{kind: alarm, type: Plate}]
"""


def load(tmp_path: Path, text: str):
    path = tmp_path / "camvault.yml"
    path.write_text(text)
    return load_config(path, env={})[0]


def test_scenarios_are_read_into_rules(tmp_path):
    night, plates = [s.to_scenario() for s in load(tmp_path, GOOD).scenarios]
    assert (night.id, night.name, night.origin, night.ignored) == (3, "Night watch", "config", False)
    assert night.trigger == Trigger("schedule", times=("22:00", "06:30"), weekdays=(1, 5))
    assert night.actions == (Action("record", (1, 2), duration_s=60), Action("command", command_id=7),
                             Action("screen", screen_id=1, mosaic_id=4))
    assert plates.ignored and plates.trigger == Trigger("metadata", type="plate")
    assert plates.actions == (Action("alarm", type="Plate"),)


@pytest.mark.parametrize("change, line, field", [
    (("weekdays: [mon, fri]", "weekdays: [mon, someday]"), 7, "scenarios.0.when.weekdays.1"),
    (('times: ["22:00", "06:30"]', 'times: ["24:00"]'), 2, "scenarios.0"),
    (("duration_s: 60", "seconds: 60"), 9, "scenarios.0.then.0.seconds"),
    (("id: 4", "id: 3"), 1, "scenarios"),
])
def test_bad_scenarios_name_their_line(tmp_path, change, line, field):
    with pytest.raises(ConfigError) as caught:
        load(tmp_path, GOOD.replace(*change))
    assert f"camvault.yml:{line}: field '{field}'" in str(caught.value)
