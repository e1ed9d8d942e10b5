from __future__ import annotations

import pytest

from calgraph.core.errors import BadRequest, GraphError
from calgraph.core.query import (
    DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, And, Any_, Call, Compare, Not, Or, OrderBy, Prop, Value,
)
from calgraph.http.odata import (
    ListOptions, Preferences, applied_header, next_link, parse_list_options, parse_prefer,
    parse_query_string, parse_select_only,
)
from calgraph.http.odata_filter import FilterTooComplex, ParseUriError
from calgraph.store.interface import EVENT_PROPERTIES, MAILBOX_PROPERTIES, MESSAGE_PROPERTIES

SELECTABLE = {"id", "subject", "body", "bodyPreview", "organizer", "start", "end", "isAllDay", "categories",
              "attendees", "location", "createdDateTime", "lastModifiedDateTime", "type", "recurrence"}
EXPANDABLE = {"attachments", "extensions", "singleValueExtendedProperties", "exceptionOccurrences"}

SDK_LIST = (b"$count=true&$filter=start%2FdateTime%20ge%20%272025-01-01T00%3A00%3A00%27"
            b"&$orderby=start%2FdateTime%20desc&$select=subject,organizer,start,end&$skip=0&$top=5")
SDK_ODD = (b"$expand=attachments&$filter=subject%20eq%20%27A%26B%2BC%20%231%20%C3%BC%3F%3D%25%27"
           b"&$search=%22lunch%22&$select=id,subject")
SDK_VIEW = (b"endDateTime=2025-01-31T23%3A59%3A59%2B01%3A00&startDateTime=2025-01-01T00%3A00%3A00Z"
            b"&$select=subject&$top=10")


def lo(raw: bytes | str | dict[str, str], **kw) -> ListOptions:
    opts = raw if isinstance(raw, dict) else parse_query_string(raw)
    kw.setdefault("expandable", EXPANDABLE)
    return parse_list_options(opts, EVENT_PROPERTIES, SELECTABLE, **kw)


def flt(text: str):
    return lo({"$filter": text}).query.filter


def error(fn, *args, **kw) -> GraphError:
    with pytest.raises(GraphError) as info:
        fn(*args, **kw)
    assert info.value.status == 400
    return info.value


def filter_error(text: str) -> GraphError:
    return error(flt, text)


def eq(path: str, value) -> Compare:
    return Compare("eq", Prop(path), Value(value))


# -- parse_query_string ----------------------------------------------------------------------------

class TestQueryString:
    def test_sdk_list_request(self):
        assert parse_query_string(SDK_LIST) == {
            "$count": "true",
            "$filter": "start/dateTime ge '2025-01-01T00:00:00'",
            "$orderby": "start/dateTime desc",
            "$select": "subject,organizer,start,end",
            "$skip": "0",
            "$top": "5",
        }

    def test_sdk_special_characters(self):
        q = parse_query_string(SDK_ODD)
        assert q["$filter"] == "subject eq 'A&B+C #1 ü?=%'"
        assert q["$search"] == '"lunch"'
        assert q["$expand"] == "attachments"

    def test_calendar_view_params_lower_cased_names(self):
        q = parse_query_string(SDK_VIEW)
        assert q == {"enddatetime": "2025-01-31T23:59:59+01:00", "startdatetime": "2025-01-01T00:00:00Z",
                     "$select": "subject", "$top": "10"}

    def test_plus_is_space_percent_2b_is_plus(self):
        q = parse_query_string("$filter=Start/DateTime+ge+'2015-12-14'&x=a%2Bb")
        assert q == {"$filter": "Start/DateTime ge '2015-12-14'", "x": "a+b"}

    def test_names_case_insensitive_and_dollar_optional(self):
        q = parse_query_string("$Filter=a&SELECT=b&Top=3&%24skip=1&startDateTime=x&$COUNT=true")
        assert q == {"$filter": "a", "$select": "b", "$top": "3", "$skip": "1", "startdatetime": "x",
                     "$count": "true"}

    def test_str_input_and_empty_pieces(self):
        assert parse_query_string("") == {}
        assert parse_query_string("&&$top=1&&flag&=x") == {"$top": "1", "flag": ""}
        assert parse_query_string("$filter=subject eq 'ü'") == {"$filter": "subject eq 'ü'"}

    def test_raw_utf8_bytes(self):
        assert parse_query_string("$filter=ü".encode()) == {"$filter": "ü"}

    @pytest.mark.parametrize("raw,name", [
        ("$filter=a&$filter=b", "$filter"),
        ("$top=1&$TOP=2", "$top"),
        ("select=a&$select=b", "$select"),
        ("startDateTime=a&startdatetime=b", "startdatetime"),
    ])
    def test_duplicates(self, raw, name):
        e = error(parse_query_string, raw)
        assert e.code == "BadRequest"
        assert e.message == f"Query option '{name}' was specified more than once, but it must be specified at most once."

    def test_invalid_utf8(self):
        assert error(parse_query_string, b"$filter=%FF").code == "BadRequest"


# -- $select / $expand ---------------------------------------------------------------------------

class TestSelectExpand:
    def test_select_canonical_and_deduplicated(self):
        assert lo({"$select": " SUBJECT, isallday ,subject,start"}).select == ("subject", "isAllDay", "start")

    def test_no_select_means_all(self):
        assert lo({}).select is None
        assert lo({"$select": ""}).select is None
        assert lo({"$select": "subject,*"}).select is None

    def test_select_type_cast_prefix(self):
        assert lo({"$select": "microsoft.graph.event/subject"}).select == ("subject",)

    def test_select_unknown_property(self):
        e = error(lo, {"$select": "subject,meetingMessageType"})
        assert isinstance(e, ParseUriError)
        assert e.code == "RequestBroker--ParseUri"
        assert e.message == "Could not find a property named 'meetingMessageType' on type 'microsoft.graph.event'."

    def test_select_type_name_for_messages(self):
        e = error(parse_list_options, {"$select": "startDateTime"}, MESSAGE_PROPERTIES, {"subject"},
                  type_name="microsoft.graph.message")
        assert e.message == "Could not find a property named 'startDateTime' on type 'microsoft.graph.message'."

    def test_expand(self):
        assert lo({"$expand": "Attachments"}).expand == ("attachments",)
        assert lo({"$expand": "attachments,extensions($filter=id eq 'a,b')"}).expand == ("attachments", "extensions")
        assert lo({}).expand == ()

    def test_expand_not_expandable(self):
        assert error(lo, {"$expand": "calendar"}).code == "RequestBroker--ParseUri"
        e = error(lo, {"$expand": "subject"})
        assert e.code == "BadRequest" and "Only navigation properties can be expanded" in e.message
        assert error(lo, {"$expand": "attachments"}, expandable=set()).status == 400

    def test_expand_unbalanced(self):
        assert error(lo, {"$expand": "extensions($filter=id eq 'x'"}).code == "BadRequest"
        assert error(lo, {"$expand": "attachments)"}).code == "BadRequest"

    def test_select_only(self):
        q = parse_query_string(b"$select=subject,body")
        assert parse_select_only(q, SELECTABLE) == ("subject", "body")
        assert parse_select_only({}, SELECTABLE) is None
        assert parse_select_only({"startdatetime": "x", "foo": "y"}, SELECTABLE) is None
        assert parse_select_only({"$expand": "attachments"}, SELECTABLE, expandable={"attachments"}) is None

    @pytest.mark.parametrize("name", ["$filter", "$top", "$orderby", "$skip", "$count", "$search"])
    def test_select_only_rejects_list_options(self, name):
        e = error(parse_select_only, {name: "1"}, SELECTABLE)
        assert e.message == f"The query parameter '{name}' is not supported."

    def test_select_only_rejects_bad_select_and_expand(self):
        assert error(parse_select_only, {"$select": "nope"}, SELECTABLE).code == "RequestBroker--ParseUri"
        assert error(parse_select_only, {"$expand": "attachments"}, SELECTABLE).status == 400


# -- paging and other options ---------------------------------------------------------------------

class TestPagingOptions:
    def test_sdk_request_in_full(self):
        opts = lo(SDK_LIST)
        assert opts.select == ("subject", "organizer", "start", "end")
        assert opts.query.filter == Compare("ge", Prop("start/dateTime"), Value("2025-01-01T00:00:00"))
        assert opts.query.orderby == (OrderBy("start/dateTime", True),)
        assert (opts.query.top, opts.query.skip, opts.query.count) == (5, 0, True)

    def test_defaults(self):
        q = lo({}).query
        assert (q.filter, q.orderby, q.top, q.skip, q.count) == (None, (), DEFAULT_PAGE_SIZE, 0, False)

    def test_top_bounds(self):
        assert lo({"$top": "0"}).query.top == 0
        assert lo({"$top": "1000"}).query.top == 1000
        # Graph does not fail on a large $top (docs #12653); it pages at most 1000 items.
        assert lo({"$top": "1001"}).query.top == MAX_PAGE_SIZE
        assert lo({"$top": "1000000"}).query.top == MAX_PAGE_SIZE

    @pytest.mark.parametrize("value", ["-1", "abc", "", "1.5", "1,0", "99999999999", "+5"])
    def test_top_invalid(self, value):
        e = error(lo, {"$top": value})
        assert e.code == "BadRequest"
        assert e.message == (f"Invalid value '{value}' for $top query option found. "
                             "The $top query option requires a non-negative integer value.")

    def test_skip(self):
        assert lo({"$skip": "25"}).query.skip == 25
        e = error(lo, {"$skip": "-3"})
        assert e.message == ("Invalid value '-3' for $skip query option found. "
                             "The $skip query option requires a non-negative integer value.")

    def test_count(self):
        assert lo({"$count": "TRUE"}).query.count is True
        assert lo({"$count": "false"}).query.count is False
        e = error(lo, {"$count": "yes"})
        assert e.message == "Invalid value 'yes' for $count query option found. Valid values are 'true, false'."

    def test_search_rejected(self):
        e = error(lo, SDK_ODD)
        assert (e.code, e.message) == ("BadRequest", "The query parameter '$search' is not supported.")
        assert error(lo, b"search=lunch").message == "The query parameter '$search' is not supported."

    def test_unknown_dollar_option(self):
        e = error(lo, {"$foo": "1"})
        assert e.message == "The query parameter '$foo' begins with a system-reserved '$' character but is not recognized."
        assert error(lo, {"$skiptoken": "x"}).message == "The query parameter '$skiptoken' is not supported."

    def test_other_params_ignored_extras_kept(self):
        opts = lo(SDK_VIEW + b"&foo=bar&api-version=2", allowed_extra={"startDateTime", "endDateTime"})
        assert opts.select == ("subject",) and opts.query.top == 10
        assert opts.options == {"endDateTime": "2025-01-31T23:59:59+01:00", "startDateTime": "2025-01-01T00:00:00Z",
                                "$select": "subject", "$top": "10"}

    def test_bare_system_options(self):
        opts = lo(b"select=subject&top=2&skip=4&filter=isAllDay&orderby=subject&count=true")
        assert (opts.select, opts.query.top, opts.query.skip, opts.query.count) == (("subject",), 2, 4, True)
        assert opts.query.filter == Prop("isAllDay") and opts.query.orderby == (OrderBy("subject"),)

    def test_mailbox_and_message_properties(self):
        m = parse_list_options({"$filter": "isRead eq false and from/emailAddress/address eq 'a@b.c'",
                                "$orderby": "receivedDateTime desc"}, MESSAGE_PROPERTIES, {"subject"},
                               type_name="microsoft.graph.message")
        assert m.query.filter == And(eq("isRead", False), eq("from/emailAddress/address", "a@b.c"))
        u = parse_list_options({"$filter": "startswith(displayName,'Al')"}, MAILBOX_PROPERTIES, {"displayName"})
        assert u.query.filter == Call("startswith", Prop("displayName"), Value("Al"))


# -- $orderby ----------------------------------------------------------------------------------------

class TestOrderBy:
    def test_list(self):
        assert lo({"$orderby": "Start/DateTime DESC, subject asc,createdDateTime"}).query.orderby == (
            OrderBy("start/dateTime", True), OrderBy("subject", False), OrderBy("createdDateTime", False))

    def test_unknown_property(self):
        e = error(lo, {"$orderby": "nope desc"})
        assert e.code == "RequestBroker--ParseUri" and "'nope'" in e.message

    def test_unsortable(self):
        assert error(lo, {"$orderby": "categories"}).code == "BadRequest"
        assert error(lo, {"$orderby": "body"}).code == "BadRequest"

    @pytest.mark.parametrize("text,message", [
        ("subject sideways", "Syntax error at position 8 in 'subject sideways'."),
        ("subject asc desc", "Syntax error at position 12 in 'subject asc desc'."),
        ("subject,,start/dateTime", "Expression expected at position 8 in 'subject,,start/dateTime'."),
        ("subject,", "Expression expected at position 8 in 'subject,'."),
        ("sub'ject", "Syntax error at position 0 in 'sub'ject'."),
    ])
    def test_syntax(self, text, message):
        e = error(lo, {"$orderby": text})
        assert (e.code, e.message) == ("BadRequest", message)


# -- $filter -------------------------------------------------------------------------------------------

class TestFilter:
    @pytest.mark.parametrize("op", ["eq", "ne", "gt", "ge", "lt", "le"])
    def test_comparison_ops(self, op):
        assert flt(f"subject {op} 'x'") == Compare(op, Prop("subject"), Value("x"))

    @pytest.mark.parametrize("op,flipped", [("eq", "eq"), ("ne", "ne"), ("gt", "lt"), ("ge", "le"),
                                            ("lt", "gt"), ("le", "ge")])
    def test_literal_first_is_flipped(self, op, flipped):
        assert flt(f"'2025-01-01' {op} start/dateTime") == Compare(flipped, Prop("start/dateTime"), Value("2025-01-01"))

    def test_literals(self):
        assert flt("subject eq 'it''s'") == eq("subject", "it's")
        assert flt("subject eq ''") == eq("subject", "")
        assert flt("isAllDay eq true") == eq("isAllDay", True)
        assert flt("isCancelled ne FALSE") == Compare("ne", Prop("isCancelled"), Value(False))
        assert flt("subject eq null") == eq("subject", None)
        assert flt("isAllDay eq null") == eq("isAllDay", None)

    @pytest.mark.parametrize("lit", ["2017-07-01T08:00:00Z", "2017-07-01T08:00:00.1234567Z", "2017-07-01T08:00",
                                     "2019-11-08T19:00:00-08:00", "2016-09-13"])
    def test_unquoted_datetimes_kept_as_strings(self, lit):
        assert flt(f"lastModifiedDateTime ge {lit}") == Compare("ge", Prop("lastModifiedDateTime"), Value(lit))

    def test_numbers(self):
        props = {"size": int, "ratio": float}
        opts = parse_list_options({"$filter": "size gt -3 and ratio lt 1.5"}, props, set())
        assert opts.query.filter == And(Compare("gt", Prop("size"), Value(-3)), Compare("lt", Prop("ratio"), Value(1.5)))

    def test_property_case_insensitive(self):
        assert flt("SUBJECT eq 'a' and Organizer/EmailAddress/Address eq 'b'") == And(
            eq("subject", "a"), eq("organizer/emailAddress/address", "b"))

    def test_keywords_and_functions_case_insensitive(self):
        assert flt("Contains(subject,'x') AND NOT isAllDay Or subject EQ 'y'") == Or(
            And(Call("contains", Prop("subject"), Value("x")), Not(Prop("isAllDay"))), eq("subject", "y"))

    @pytest.mark.parametrize("func", ["startswith", "endswith", "contains"])
    def test_functions(self, func):
        assert flt(f"{func}(subject, 'Lunch')") == Call(func, Prop("subject"), Value("Lunch"))

    def test_function_compared_to_bool(self):
        call = Call("startswith", Prop("subject"), Value("a"))
        assert flt("startswith(subject,'a') eq true") == call
        assert flt("startswith(subject,'a') eq false") == Not(call)
        assert flt("true ne startswith(subject,'a')") == Not(call)

    def test_bare_boolean_and_not(self):
        assert flt("isAllDay") == Prop("isAllDay")
        assert flt("not isAllDay") == Not(Prop("isAllDay"))
        assert flt("not(isAllDay)") == Not(Prop("isAllDay"))
        assert flt("not not isAllDay") == Not(Not(Prop("isAllDay")))

    def test_lambda(self):
        red = Any_(Prop("categories"), "eq", Value("Red"))
        assert flt("categories/any(c:c eq 'Red')") == red
        assert flt("Categories/Any( cat : cat eq 'Red' )") == red
        assert flt("categories/any(x: 'Red' eq x)") == red
        assert flt("categories/any(c:c ne 'Red')") == Any_(Prop("categories"), "ne", Value("Red"))
        assert flt("categories/any(c:c eq 'Red' or c eq 'Blue')") == Or(
            red, Any_(Prop("categories"), "eq", Value("Blue")))
        assert flt("categories/any(c:c eq 'Red') and not isAllDay") == And(red, Not(Prop("isAllDay")))

    @pytest.mark.parametrize("text", [
        "categories/any(c:c eq 'a' and c eq 'b')",
        "categories/any(c:c gt 'a')",
        "categories/any(c:startswith(c,'a'))",
        "categories/any()",
        "categories/all(c:c eq 'a')",
        "subject/any(c:c eq 'a')",
        "categories/any(c:c)",
        "categories/any(c:c/name eq 'a')",
        "categories/any(c:c eq 'a' or categories/any(d:d eq 'b'))",
        "categories/any(c:c eq true)",
    ])
    def test_lambda_invalid(self, text):
        e = filter_error(text)
        assert (e.code, e.message) == ("BadRequest", "Invalid filter clause")

    def test_precedence_and_over_or(self):
        a, b, c = eq("subject", "a"), eq("subject", "b"), eq("subject", "c")
        assert flt("subject eq 'a' or subject eq 'b' and subject eq 'c'") == Or(a, And(b, c))
        assert flt("subject eq 'a' and subject eq 'b' or subject eq 'c'") == Or(And(a, b), c)
        assert flt("(subject eq 'a' or subject eq 'b') and subject eq 'c'") == And(Or(a, b), c)

    def test_precedence_not_binds_to_comparison(self):
        assert flt("not subject eq 'a' and isAllDay") == And(Not(eq("subject", "a")), Prop("isAllDay"))
        assert flt("not (subject eq 'a' or isAllDay)") == Not(Or(eq("subject", "a"), Prop("isAllDay")))

    def test_left_associative(self):
        a, b, c = eq("subject", "a"), eq("subject", "b"), eq("subject", "c")
        assert flt("subject eq 'a' or subject eq 'b' or subject eq 'c'") == Or(Or(a, b), c)
        assert flt("subject eq 'a' and subject eq 'b' and subject eq 'c'") == And(And(a, b), c)

    def test_redundant_parentheses_and_whitespace(self):
        assert flt(" ( ( (subject) eq 'a' ) ) ") == eq("subject", "a")
        assert flt("subject\teq\t'a'") == eq("subject", "a")

    def test_blank_filter(self):
        assert flt("") is None
        assert flt("   ") is None

    def test_sdk_filter_with_specials(self):
        assert lo(SDK_ODD.replace(b"&$search=%22lunch%22", b"")).query.filter == eq("subject", "A&B+C #1 ü?=%")

    # -- errors --------------------------------------------------------------------------------------
    @pytest.mark.parametrize("text,message", [
        ("(subject eq 'a'", "')' or operator expected at position 15 in '(subject eq 'a''."),
        ("((isAllDay)", "')' or operator expected at position 11 in '((isAllDay)'."),
        ("subject eq 'a')", "Syntax error at position 14 in 'subject eq 'a')'."),
        ("subject eq 'a' foo", "Syntax error at position 15 in 'subject eq 'a' foo'."),
        ("subject eq 'a' subject eq 'b'", "Syntax error at position 15 in 'subject eq 'a' subject eq 'b''."),
        ("subject eq 'a' eq 'b'", "Syntax error at position 15 in 'subject eq 'a' eq 'b''."),
        ("subject eq", "Expression expected at position 10 in 'subject eq'."),
        ("subject eq 'a' and", "Expression expected at position 18 in 'subject eq 'a' and'."),
        ("()", "Expression expected at position 1 in '()'."),
        ("not", "Expression expected at position 3 in 'not'."),
        ("contains(subject,'a'", "')' or ',' expected at position 20 in 'contains(subject,'a''."),
        ("subject eq 'abc", "There is an unterminated string literal at position 11 in 'subject eq 'abc'."),
        ("subject = 'a'", "Syntax error: character '=' is not valid at position 8 in 'subject = 'a''."),
        ("subject eq \"a\"", "Syntax error: character '\"' is not valid at position 11 in 'subject eq \"a\"'."),
        ("start/ eq 'a'", "Syntax error: character '/' is not valid at position 5 in 'start/ eq 'a''."),
        ("subject eq 12abc", "Syntax error: character '1' is not valid at position 11 in 'subject eq 12abc'."),
        ("categories/any(c c eq 'a')", "Syntax error at position 17 in 'categories/any(c c eq 'a')'."),
    ])
    def test_syntax_errors(self, text, message):
        e = filter_error(text)
        assert (type(e), e.code, e.message) == (BadRequest, "BadRequest", message)

    def test_unknown_function(self):
        e = filter_error("substringof('a',subject)")
        assert e.code == "BadRequest"
        assert e.message.startswith("An unknown function with name 'substringof' was found.")

    @pytest.mark.parametrize("text", ["contains('x',subject)", "contains(subject)", "contains(subject,'a','b')",
                                      "startswith(isAllDay,'t')", "endswith(subject,1)", "contains(subject,subject)",
                                      "startswith(categories,'a')", "contains(subject,null)"])
    def test_function_signature_errors(self, text):
        e = filter_error(text)
        assert e.code == "BadRequest" and e.message.startswith("No function signature for the function with name")

    def test_unknown_property(self):
        e = filter_error("nope eq 'a'")
        assert isinstance(e, ParseUriError)
        assert e.message == "Could not find a property named 'nope' on type 'microsoft.graph.event'."
        assert filter_error("'a' eq nope").code == "RequestBroker--ParseUri"
        assert filter_error("contains(nope,'a')").code == "RequestBroker--ParseUri"
        assert filter_error("nope/any(c:c eq 'a')").code == "RequestBroker--ParseUri"

    @pytest.mark.parametrize("text", ["body/content eq 'x'", "responseStatus/response eq 'none'" ,
                                      "start/timeZone eq 'UTC'", "recurrence eq null"])
    def test_known_but_unfilterable_property(self, text):
        sel = SELECTABLE | {"responseStatus"}
        e = error(parse_list_options, {"$filter": text}, EVENT_PROPERTIES, sel)
        assert (e.code, e.message) == ("BadRequest", "Invalid filter clause")

    @pytest.mark.parametrize("text,types,kind", [
        ("subject eq true", ("Edm.String", "Edm.Boolean"), "Equal"),
        ("subject gt 5", ("Edm.String", "Edm.Int64"), "GreaterThan"),
        ("isAllDay eq 'true'", ("Edm.Boolean", "Edm.String"), "Equal"),
        ("isAllDay ne 1", ("Edm.Boolean", "Edm.Int64"), "NotEqual"),
        ("isAllDay le 2017-01-01T00:00:00Z", ("Edm.Boolean", "Edm.DateTimeOffset"), "LessThanOrEqual"),
    ])
    def test_type_mismatch(self, text, types, kind):
        e = filter_error(text)
        assert e.code == "BadRequest"
        assert e.message == ("A binary operator with incompatible types was detected. Found operand types "
                             f"'{types[0]}' and '{types[1]}' for operator kind '{kind}'.")

    @pytest.mark.parametrize("text", ["subject eq start/dateTime", "'a' eq 'b'", "1 eq 1", "categories eq 'Red'",
                                      "isAllDay eq isCancelled", "true", "startswith(subject,'a') eq 'x'",
                                      "(subject eq 'a') gt 'b'"])
    def test_invalid_clauses(self, text):
        assert filter_error(text).message == "Invalid filter clause"

    @pytest.mark.parametrize("text", ["subject", "'abc'", "start/dateTime", "5"])
    def test_non_boolean_filter(self, text):
        assert filter_error(text).message == "The $filter expression must evaluate to a single boolean value."

    def test_non_boolean_operand_of_and(self):
        assert filter_error("subject and isAllDay").message == \
            "The $filter expression must evaluate to a single boolean value."

    def test_too_deep_or_too_long(self):
        assert flt("(" * 40 + "isAllDay" + ")" * 40) == Prop("isAllDay")
        assert isinstance(filter_error("(" * 500 + "isAllDay" + ")" * 500), FilterTooComplex)
        assert isinstance(filter_error("not " * 500 + "isAllDay"), FilterTooComplex)
        assert isinstance(filter_error(" or ".join(["subject eq 'a'"] * 300)), FilterTooComplex)
        assert flt(" or ".join(["subject eq 'a'"] * 100)) is not None

    @pytest.mark.parametrize("text", ["'", "(", ")", ",", ":", "/", "$", "@x", "subject eq 'a' or (", "a(((",
                                      "eq eq eq", "categories/any(", "categories/any(c:", "contains(,)",
                                      "\x00", "subject eq 'a' \u00e9", "-", "2017-13"])
    def test_garbage_only_raises_graph_errors(self, text):
        assert filter_error(text).status == 400


# -- nextLink --------------------------------------------------------------------------------------------

class TestNextLink:
    def test_repeats_options_with_new_skip(self):
        opts = lo(SDK_LIST)
        link = next_link("http://127.0.0.1:8765", "/v1.0/users/alice%40example.com/events", opts.options, 5)
        assert link == (
            "http://127.0.0.1:8765/v1.0/users/alice%40example.com/events?$count=true"
            "&$filter=start%2fdateTime%20ge%20%272025-01-01T00%3a00%3a00%27&$orderby=start%2fdateTime%20desc"
            "&$select=subject,organizer,start,end&$top=5&$skip=5")

    def test_adds_skip_and_trims_base_slash(self):
        assert next_link("https://h/", "v1.0/me/events", {}, 10) == "https://h/v1.0/me/events?$skip=10"

    def test_round_trip(self):
        opts = lo(SDK_VIEW + b"&$filter=subject%20eq%20%27A%26B%2BC%20%231%20%C3%BC%3F%3D%25%27"
                  b"&$expand=extensions(%24filter%3Did%20eq%20%27x%27)",
                  allowed_extra={"startDateTime", "endDateTime"})
        link = next_link("http://localhost", "/v1.0/me/calendarView", opts.options, 20)
        assert "%2b01%3a00" in link and "%C3" not in link and "%c3%bc" in link
        query = link.split("?", 1)[1]
        again = parse_query_string(query.encode())
        assert again == {k.lower(): v for k, v in opts.options.items()} | {"$skip": "20"}
        reparsed = lo(again, allowed_extra={"startDateTime", "endDateTime"})
        assert reparsed.query.filter == opts.query.filter and reparsed.query.skip == 20
        assert reparsed.options == opts.options | {"$skip": "20"}

    def test_skip_replaced_not_duplicated(self):
        link = next_link("http://h", "/x", {"$top": "2", "$skip": "4", "$select": "subject"}, 6)
        assert link == "http://h/x?$top=2&$select=subject&$skip=6"


# -- Prefer ----------------------------------------------------------------------------------------------

class TestPrefer:
    def test_timezone_quoted_and_bare(self):
        assert parse_prefer(['outlook.timezone="Pacific Standard Time"']).timezone == "Pacific Standard Time"
        assert parse_prefer(["outlook.timezone=Europe/Berlin"]).timezone == "Europe/Berlin"
        assert parse_prefer(['Outlook.TimeZone = "UTC"']).timezone == "UTC"

    def test_nothing(self):
        assert parse_prefer([]) == Preferences()
        assert parse_prefer(["", "return=minimal", "respond-async; wait=10"]) == Preferences()
        assert applied_header(Preferences()) is None

    def test_combined_in_one_header(self):
        p = parse_prefer(['outlook.timezone="W. Europe Standard Time", outlook.body-content-type="TEXT",'
                          ' odata.maxpagesize=50, IdType="ImmutableId"'])
        assert p == Preferences("W. Europe Standard Time", "text", 50)

    def test_several_headers_first_wins(self):
        p = parse_prefer(['outlook.body-content-type=html', 'outlook.timezone="A", outlook.timezone="B"'])
        assert p == Preferences("A", "html", None)

    def test_parameters_and_quoted_commas_ignored(self):
        p = parse_prefer(['outlook.timezone="Weird, Zone; x";foo=bar, odata.maxpagesize=7;p=1'])
        assert p == Preferences("Weird, Zone; x", None, 7)

    def test_invalid_values_ignored(self):
        p = parse_prefer(["outlook.body-content-type=pdf, odata.maxpagesize=0", "odata.maxpagesize=abc"])
        assert p == Preferences()

    def test_empty_timezone_kept_for_validation(self):
        assert parse_prefer(['outlook.timezone=""']).timezone == ""

    def test_applied_header(self):
        assert applied_header(Preferences(timezone="Pacific Standard Time")) == \
            'outlook.timezone="Pacific Standard Time"'
        assert applied_header(Preferences("UTC", "text")) == \
            'outlook.timezone="UTC", outlook.body-content-type="text"'
        assert applied_header(Preferences(body_content_type="html", max_page_size=5)) == \
            'outlook.body-content-type="html"'  # odata.maxpagesize only where it was the page size
        assert applied_header(Preferences(body_content_type="html", max_page_size=5,
                                          applied={"odata.maxpagesize": "5"})) == \
            'outlook.body-content-type="html", odata.maxpagesize=5'

    def test_applied_header_round_trip(self):
        p = parse_prefer(['outlook.timezone="A \\"quoted\\" zone", outlook.body-content-type=text'])
        assert p.timezone == 'A "quoted" zone'
        assert parse_prefer([applied_header(p) or ""]) == p
