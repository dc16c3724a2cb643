/* sluice bench shim: simdjson DOM parse of one message -- MIT licensed.
 * Built only for test/bench_json (C++, links -lsimdjson); never part of
 * sluice.  The caller guarantees SIMDJSON_PADDING readable bytes after
 * each message (the corpus buffer is padded at its end). */
#include <simdjson.h>

extern "C" size_t bench_simd_padding(void);
extern "C" int bench_simd_dom(const char *p, size_t n);
extern "C" int bench_simd_ondemand(const char *p, size_t n, size_t cap);

static simdjson::dom::parser dom_parser;
static simdjson::ondemand::parser od_parser;

size_t
bench_simd_padding(void)
{
	return simdjson::SIMDJSON_PADDING;
}

int
bench_simd_dom(const char *p, size_t n)
{
	simdjson::dom::element doc;

	return dom_parser.parse(p, n, false).get(doc) == simdjson::SUCCESS;
}

/* On-Demand, visiting every value (it validates only what it visits). */
static bool
visit(simdjson::ondemand::value v)
{
	simdjson::ondemand::json_type t;

	if (v.type().get(t))
		return false;
	switch (t) {
	case simdjson::ondemand::json_type::object:
		for (auto field : v.get_object()) {
			simdjson::ondemand::value fv;
			std::string_view k;
			if (field.unescaped_key().get(k) || field.value().get(fv) ||
			    !visit(fv))
				return false;
		}
		return true;
	case simdjson::ondemand::json_type::array:
		for (auto el : v.get_array()) {
			simdjson::ondemand::value ev;
			if (el.get(ev) || !visit(ev))
				return false;
		}
		return true;
	case simdjson::ondemand::json_type::string: {
		std::string_view sv;
		return !v.get_string().get(sv);
	}
	case simdjson::ondemand::json_type::number: {
		double d;
		return !v.get_double().get(d);
	}
	case simdjson::ondemand::json_type::boolean: {
		bool b;
		return !v.get_bool().get(b);
	}
	case simdjson::ondemand::json_type::null:
		return v.is_null();
	}
	return false;
}

int
bench_simd_ondemand(const char *p, size_t n, size_t cap)
{
	simdjson::ondemand::document doc;
	simdjson::ondemand::value v;

	if (od_parser.iterate(p, n, cap).get(doc))
		return 0;
	if (doc.get_value().get(v))
		return 0;
	return visit(v);
}
