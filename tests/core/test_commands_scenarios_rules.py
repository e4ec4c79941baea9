"""Pure rules of commands (steps, validation, redaction) and scenarios (validation, matching,
schedule arithmetic across days and a daylight-saving change)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from camvault.core.commands import checked_command, delay_s, redacted
from camvault.core.errors import BadRequest
from camvault.core.scenarios import Action, Trigger, checked, matches, scheduled_between

PARIS = ZoneInfo("Europe/Paris")


def ms(*args) -> int:
    return round(datetime(*args, tzinfo=PARIS).timestamp() * 1000)


def test_delay_steps_are_read_and_urls_are_not_delays():
    assert delay_s("delay=10") == 10.0 and delay_s(" DELAY=0.5 ") == 0.5
    assert delay_s("http://10.2.50.100/tgi/control.tgi?l=p:admin:admin&port=u1uu") is None
    assert delay_s("delay=") is None and delay_s("delay=-1") is None and delay_s("wait=3") is None


def test_a_valid_command_keeps_its_steps_in_order():
    name, steps = checked_command("  Allume_Eteint ", ["http://10.2.50.100/a?x=1", "delay=10", "https://h:8443/b"])
    assert name == "Allume_Eteint" and steps == ("http://10.2.50.100/a?x=1", "delay=10", "https://h:8443/b")


@pytest.mark.parametrize("name, urls, key", [
    ("", ["http://h/"], "command_name_required"),
    ("x", [], "command_urls_required"),
    ("x", ["delay=3"], "command_urls_required"),
    ("x", ["http://h/", "ftp://h/file"], "invalid_command_url"),
    ("x", ["http:///nohost"], "invalid_command_url"),
    ("x", ["http://h/a b"], "invalid_command_url"),
    ("x", ["http://h:99999/"], "invalid_command_url"),
    ("x", ["http://h/", "delay=3601"], "invalid_command_delay"),
])
def test_invalid_commands_are_refused_with_their_key(name, urls, key):
    with pytest.raises(BadRequest) as caught:
        checked_command(name, urls)
    assert caught.value.key == key


def test_logged_urls_hide_passwords():
    assert redacted("http://admin:secret@10.0.0.1/x?y=1") == "http://admin:***@10.0.0.1/x?y=1"
    assert redacted("http://10.0.0.1/x") == "http://10.0.0.1/x"


def test_rules_are_validated():
    alarm_on_1 = Trigger("alarm", (1,))
    assert checked(" Door ", alarm_on_1, (Action("record", duration_s=30),)) == "Door"
    bad = [
        ("", alarm_on_1, (Action("alarm"),)),
        ("x", Trigger("sometimes"), (Action("alarm", (1,)),)),
        ("x", Trigger("metadata"), (Action("alarm", (1,)),)),
        ("x", Trigger("schedule", times=("25:00",)), (Action("command", command_id=1),)),
        ("x", Trigger("schedule", times=()), (Action("command", command_id=1),)),
        ("x", Trigger("manual"), (Action("alarm"),)),                      # no cameras, no event cameras
        ("x", Trigger("manual"), ()),
        ("x", Trigger("manual"), (Action("record", (1,), duration_s=0),)),
        ("x", Trigger("manual"), (Action("screen", screen_id=1, camera_id=1, mosaic_id=2),)),
        ("x", Trigger("manual"), (Action("command"),)),
    ]
    for name, trigger, actions in bad:
        with pytest.raises(BadRequest):
            checked(name, trigger, actions)


def test_events_match_kind_type_and_cameras():
    assert matches(Trigger("alarm", (1, 2)), "alarm", (2,), "trigger")
    assert not matches(Trigger("alarm", (1, 2)), "alarm", (3,), "trigger")
    assert matches(Trigger("alarm"), "alarm", (3,), "motion"), "no cameras: any camera"
    assert matches(Trigger("metadata", (), "plate"), "metadata", (4,), "plate")
    assert not matches(Trigger("metadata", (), "plate"), "metadata", (4,), "face")
    assert not matches(Trigger("metadata", (), "plate"), "alarm", (4,), "plate")


def test_schedule_fires_at_local_times_on_its_weekdays():
    weekdays = Trigger("schedule", times=("08:00", "18:30"), weekdays=(1, 2, 3, 4, 5))
    monday = (2024, 3, 25)
    assert scheduled_between(weekdays, PARIS, ms(*monday, 7, 59, 59), ms(*monday, 8, 0))
    assert not scheduled_between(weekdays, PARIS, ms(*monday, 8, 0), ms(*monday, 8, 0, 1)), "(after, until]"
    assert scheduled_between(weekdays, PARIS, ms(*monday, 18, 0), ms(*monday, 19, 0))
    assert not scheduled_between(weekdays, PARIS, ms(2024, 3, 30, 7, 0), ms(2024, 3, 30, 9, 0)), "Saturday"
    assert scheduled_between(weekdays, PARIS, ms(2024, 3, 29, 19, 0), ms(2024, 4, 1, 8, 0)), "over a weekend"
    dst = Trigger("schedule", times=("03:30",))                   # 31 March 2024: 02:00 -> 03:00 in Paris
    assert scheduled_between(dst, PARIS, ms(2024, 3, 31, 1, 0), ms(2024, 3, 31, 4, 0))
    skipped = Trigger("schedule", times=("02:30",))               # does not exist that day: fires at 03:30
    assert scheduled_between(skipped, PARIS, ms(2024, 3, 31, 3, 29), ms(2024, 3, 31, 3, 30))
    assert not scheduled_between(skipped, PARIS, ms(2024, 3, 31, 3, 30), ms(2024, 3, 31, 23, 0))
    assert not scheduled_between(Trigger("alarm"), PARIS, 0, ms(*monday, 9, 0))
