"""Metadata rules, pure: the recognised types and parameter typing of the document, v4 UUIDs, event
times in µs, labels, which events raise alarms, and the checking of search criteria."""

import pytest

from camvault.core.errors import BadRequest
from camvault.core.metadata import ALL_TYPES, EVENT_TYPES, PARAM_TYPES, Connector, MetadataEvent
from camvault.core.metadata_events import format_time_us, is_v4_uuid, parse_event, parse_time_us
from camvault.core.metadata_search import COMPARATORS, criteria_for, parse_criteria

DOC = "3000efd7-62b3-4a6e-ac05-a76f0d831a56"


def test_the_documents_tables():
    assert len(EVENT_TYPES) == 42 and ALL_TYPES[0] == "accesscontrol.idpointactivity" \
        and ALL_TYPES[-1] == "misc.quarantine"
    assert EVENT_TYPES["analytics.motion"].params == ("source", "window", "state")
    assert EVENT_TYPES["io.input"].params == ("id", "state")
    assert EVENT_TYPES["accesscontrol.accessnottaken"].params == ("userName", "doorName")
    assert {k: PARAM_TYPES[k] for k in ("idPointName", "userName", "doorName", "source", "window", "state")} == {
        "idPointName": "text", "userName": "text", "doorName": "text", "source": "text", "window": "integer",
        "state": "boolean"}
    assert {p for t in EVENT_TYPES.values() for p in t.params} == set(PARAM_TYPES)
    assert COMPARATORS["datetime"] == ("<", ">", "<=", ">=")


def test_v4_uuids():
    assert is_v4_uuid("53163f64-0994-4c10-b1ad-44d3c6ff1334")
    assert is_v4_uuid("53163F64-0994-4C10-B1AD-44D3C6FF1334")
    for bad in ("53163f64-0994-3c10-b1ad-44d3c6ff1334", "53163f64-0994-4c10-c1ad-44d3c6ff1334",
                "53163f64-0994-4c10-b1ad-44d3c6ff1334 ", "", None, 4):
        assert not is_v4_uuid(bad), bad


def test_times_in_microseconds():
    us = parse_time_us("2022-07-25T16:26:36.903Z", field="t")
    assert us == 1_658_766_396_903_000 and format_time_us(us) == "2022-07-25T16:26:36.903Z"
    assert format_time_us(parse_time_us("2024-02-14T12:17:25.669458Z", field="t")) == "2024-02-14T12:17:25.669458Z"
    assert parse_time_us("1969-12-31T23:59:59Z", field="t") == -1_000_000
    assert format_time_us(-1_000_000) == "1969-12-31T23:59:59.000Z"
    with pytest.raises(BadRequest) as refused:
        parse_time_us("soon", field="timestamp")
    assert refused.value.key == "invalid_date" and refused.value.params["field"] == "timestamp"


def test_parse_event_lower_cases_the_id_and_orders_params():
    connector = Connector(DOC, "c")
    payload = {"eventId": "53163F64-0994-4C10-B1AD-44D3C6FF1334", "type": "analytics.motion",
               "description": {"params": {"state": False, "window": 0, "source": ""}}}
    e = parse_event(payload, connector, now_us=7)
    assert e == MetadataEvent("53163f64-0994-4c10-b1ad-44d3c6ff1334", DOC, "analytics.motion", 7,
                              {"source": "", "window": 0, "state": False})
    assert list(e.params) == ["source", "window", "state"]
    assert e.label == "Motion detection from  in window 0 state false"


def test_label_shows_a_missing_param_as_a_question_mark():
    e = MetadataEvent("x", DOC, "analytics.motion", 0, {"window": 2})
    assert e.label == "Motion detection from ? in window 2 state ?"


def test_which_events_raise_alarms():
    presence = MetadataEvent("x", DOC, "analytics.presence", 0, {"state": True})
    ended = MetadataEvent("x", DOC, "analytics.presence", 0, {"state": False})
    plate = MetadataEvent("x", DOC, "lpr.vehicle", 0, {"plate": "A"})
    every = Connector(DOC, "c")
    assert every.raises_alarm(presence) and every.raises_alarm(plate) and not every.raises_alarm(ended)
    only_lpr = Connector(DOC, "c", event_types=("lpr.vehicle", "analytics.presence"), alarm_types=("lpr.vehicle",))
    assert only_lpr.raises_alarm(plate) and not only_lpr.raises_alarm(presence)
    narrow = Connector(DOC, "c", event_types=("lpr.vehicle",))
    assert narrow.raises_alarm(plate) and not narrow.raises_alarm(presence)
    assert not Connector(DOC, "c", alarm_types=()).raises_alarm(plate)


def test_criteria_share_a_parameter_across_types_of_one_family():
    connector = Connector(DOC, "c", event_types=("analytics.motion", "analytics.intrusion", "device.tamper"))
    by_name = {c.name: c for c in criteria_for(connector)}
    assert by_name["analytics.window"].types == ("analytics.motion", "analytics.intrusion")
    assert by_name["analytics.state"].description == "State (Analytics)"
    assert by_name["device.state"].types == ("device.tamper",)


def test_parse_criteria_values():
    offered = criteria_for(Connector(DOC, "c"))
    conditions = parse_criteria([
        {"name": "timestamp", "value": "1970-01-01T00:00:01Z", "comparator": ">="},
        {"name": "lpr.plate", "value": "AB%", "comparator": "ilike"},
        {"name": "lpr.plate", "value": "AB\\_%", "comparator": "like"},
        {"name": "type", "value": "lpr.vehicle"},
    ], offered)
    assert [(c.criterion.name, c.comparator, c.value) for c in conditions] == [
        ("timestamp", ">=", 1_000_000), ("lpr.plate", "ilike", "ab%"), ("lpr.plate", "like", "AB\\_%"),
        ("type", "=", "lpr.vehicle")]
    assert parse_criteria(None, offered) == [] and parse_criteria([], offered) == []
