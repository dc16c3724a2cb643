/* sluice JSON conformance cases -- MIT licensed, see LICENSE.
 * Our own cases, one per class of the well-known JSONTestSuite layout
 * (y_ must be accepted, n_ rejected, i_ implementation-defined) plus the
 * examples of RFC 8259.  Each row: verdict letter, name, text, expected
 * result (0 = accepted, else the exact JSON_E_* code).  Strings use octal
 * escapes for raw bytes (a \x escape would swallow following hex digits).
 *
 * i_ verdicts (what sluice does, and why):
 *  - huge/tiny exponents and integers beyond 64 bits are ACCEPTED: the
 *    grammar allows them; json_int64()/json_double() report JSON_E_RANGE
 *    only if someone converts them.
 *  - lone or misordered \u surrogates are REJECTED (JSON_E_SURROGATE): the
 *    issue asks for it, and such a string has no UTF-8 form.
 *  - invalid UTF-8 (overlong, surrogates, > U+10FFFF, truncated, Latin-1,
 *    UTF-16) is REJECTED (JSON_E_UTF8, or JSON_E_CHAR outside strings).
 *  - a UTF-8 byte-order mark is REJECTED (JSON_E_CHAR): RFC 8259 says
 *    senders MUST NOT add one; stream messages never carry one.
 *  - nesting deeper than JSON_DEPTH_MAX (64) is REJECTED (JSON_E_DEPTH).
 *  - noncharacters (U+FFFF, U+10FFFE ...) are ACCEPTED: they are valid
 *    scalar values.
 */
#define Y(name, s) { 'y', name, s, sizeof s - 1, 0 },
#define N(name, s, e) { 'n', name, s, sizeof s - 1, e },
#define I(name, s, e) { 'i', name, s, sizeof s - 1, e },

/* ---- y_array */
Y("y_array_arraysWithSpaces", "[[]   ]")
Y("y_array_empty", "[]")
Y("y_array_empty-string", "[\"\"]")
Y("y_array_ending_with_newline", "[\"a\"]\n")
Y("y_array_false", "[false]")
Y("y_array_heterogeneous", "[null, 1, \"1\", {}]")
Y("y_array_null", "[null]")
Y("y_array_with_1_and_newline", "[1\n]")
Y("y_array_with_leading_space", " [1]")
Y("y_array_with_several_null", "[1,null,null,null,2]")
Y("y_array_with_trailing_space", "[2] ")
Y("y_array_nested_mixed", "[[1,[2,[3]]],{\"a\":[{}]}]")
Y("y_array_all_whitespace_kinds", "[\t1 ,\r\n2\n]")
/* ---- y_number */
Y("y_number", "[123e65]")
Y("y_number_0e+1", "[0e+1]")
Y("y_number_0e1", "[0e1]")
Y("y_number_after_space", "[ 4]")
Y("y_number_double_close_to_zero",
    "[-0.000000000000000000000000000000000000000000000000000000000000000"
    "00000000000000000000000000000000000000000000001]")
Y("y_number_int_with_exp", "[20e1]")
Y("y_number_minus_zero", "[-0]")
Y("y_number_negative_int", "[-123]")
Y("y_number_negative_one", "[-1]")
Y("y_number_negative_zero", "[-0]")
Y("y_number_real_capital_e", "[1E22]")
Y("y_number_real_capital_e_neg_exp", "[1E-2]")
Y("y_number_real_capital_e_pos_exp", "[1E+2]")
Y("y_number_real_exponent", "[123e45]")
Y("y_number_real_fraction_exponent", "[123.456e78]")
Y("y_number_real_neg_exp", "[1e-2]")
Y("y_number_real_pos_exponent", "[1e+2]")
Y("y_number_simple_int", "[123]")
Y("y_number_simple_real", "[123.456789]")
Y("y_number_lonely", "123")
Y("y_number_lonely_zero", "0")
Y("y_number_lonely_real_exp", "-1.5e-3")
Y("y_number_long_int_8_aligned", "[1234567812345678,12345678]")
Y("y_number_zero_fraction", "[0.0]")
Y("y_number_int64_max", "[9223372036854775807]")
Y("y_number_int64_min", "[-9223372036854775808]")
/* ---- y_object */
Y("y_object", "{\"asd\":\"sdf\", \"dfg\":\"fgh\"}")
Y("y_object_basic", "{\"asd\":\"sdf\"}")
Y("y_object_duplicated_key", "{\"a\":\"b\",\"a\":\"c\"}")
Y("y_object_duplicated_key_and_value", "{\"a\":\"b\",\"a\":\"b\"}")
Y("y_object_empty", "{}")
Y("y_object_empty_key", "{\"\":0}")
Y("y_object_escaped_null_in_key", "{\"foo\\u0000bar\": 42}")
Y("y_object_extreme_numbers", "{ \"min\": -1.0e+28, \"max\": 1.0e+28 }")
Y("y_object_long_strings", "{\"x\":[{\"id\": \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
    "xxxxxxxx\"}], \"id\": \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}")
Y("y_object_simple", "{\"a\":[]}")
Y("y_object_string_unicode",
    "{\"title\":\"\\u041f\\u043e\\u043b\\u0442\\u043e\\u0440\\u0430 \"}")
Y("y_object_with_newlines", "{\n\"a\": \"b\"\n}")
Y("y_object_spaces_around_colon", "{ \"a\" \t:\n 1 , \"b\" : [ ] }")
Y("y_object_nested", "{\"a\":{\"b\":{\"c\":{}}}}")
/* ---- y_string */
Y("y_string_1_2_3_bytes_UTF-8_sequences", "[\"\\u0060\\u012a\\u12AB\"]")
Y("y_string_accepted_surrogate_pair", "[\"\\uD801\\udc37\"]")
Y("y_string_accepted_surrogate_pairs", "[\"\\ud83d\\ude39\\ud83d\\udc8d\"]")
Y("y_string_allowed_escapes", "[\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"]")
Y("y_string_backslash_and_u_escaped_zero", "[\"\\\\u0000\"]")
Y("y_string_backslash_doublequotes", "[\"\\\"\"]")
Y("y_string_comments", "[\"a/*b*/c/*d//e\"]")
Y("y_string_double_escape_a", "[\"\\\\a\"]")
Y("y_string_double_escape_n", "[\"\\\\n\"]")
Y("y_string_escaped_control_character", "[\"\\u0012\"]")
Y("y_string_escaped_noncharacter", "[\"\\uFFFF\"]")
Y("y_string_in_array", "[\"asd\"]")
Y("y_string_in_array_with_leading_space", "[ \"asd\"]")
Y("y_string_last_surrogates_1_and_2", "[\"\\uDBFF\\uDFFF\"]")
Y("y_string_nbsp_uescaped", "[\"new\\u00A0line\"]")
Y("y_string_nonCharacterInUTF-8_U+10FFFF", "[\"\364\217\277\277\"]")
Y("y_string_nonCharacterInUTF-8_U+FFFF", "[\"\357\277\277\"]")
Y("y_string_null_escape", "[\"\\u0000\"]")
Y("y_string_one-byte-utf-8", "[\"\\u002c\"]")
Y("y_string_pi", "[\"\317\200\"]")
Y("y_string_reservedCharacterInUTF-8_U+1BFFF", "[\"\360\233\277\277\"]")
Y("y_string_simple_ascii", "[\"asd \"]")
Y("y_string_space", "\" \"")
Y("y_string_surrogates_U+1D11E_MUSICAL_SYMBOL_G_CLEF", "[\"\\uD834\\uDd1e\"]")
Y("y_string_three-byte-utf-8", "[\"\\u0821\"]")
Y("y_string_two-byte-utf-8", "[\"\\u0123\"]")
Y("y_string_u+2028_line_sep", "[\"\342\200\250\"]")
Y("y_string_u+2029_par_sep", "[\"\342\200\251\"]")
Y("y_string_uEscape", "[\"\\u0061\\u30af\\u30EA\\u30b9\"]")
Y("y_string_uescaped_newline", "[\"new\\u000Aline\"]")
Y("y_string_unescaped_char_delete", "[\"\177\"]")
Y("y_string_unicode", "[\"\\uA66D\"]")
Y("y_string_unicodeEscapedBackslash", "[\"\\u005C\"]")
Y("y_string_unicode_2", "[\"\342\215\202\343\210\264\342\215\202\"]")
Y("y_string_unicode_U+10FFFE_nonchar", "[\"\\uDBFF\\uDFFE\"]")
Y("y_string_unicode_U+1FFFE_nonchar", "[\"\\uD83F\\uDFFE\"]")
Y("y_string_unicode_U+200B_ZERO_WIDTH_SPACE", "[\"\\u200B\"]")
Y("y_string_unicode_U+2064_invisible_plus", "[\"\\u2064\"]")
Y("y_string_unicode_U+FDD0_nonchar", "[\"\\uFDD0\"]")
Y("y_string_unicode_U+FFFE_nonchar", "[\"\\uFFFE\"]")
Y("y_string_unicode_escaped_double_quote", "[\"\\u0022\"]")
Y("y_string_utf8", "[\"\342\202\254\360\235\204\236\"]")
Y("y_string_with_del_character", "[\"a\177a\"]")
Y("y_string_utf8_boundaries", "[\"\302\200\337\277\340\240\200"
    "\355\237\277\356\200\200\364\200\200\200\"]")
Y("y_string_long_ascii_runs", "[\"0123456789abcdef0123456789abcdef01234"
    "\",\"01234567\",\"0123456\",\"012345678\"]")
Y("y_string_escape_at_word_edge", "[\"1234567\\n1234567\\\"\"]")
Y("y_string_utf8_at_word_edge", "[\"1234567\303\2511234567\360\237\230\200\"]")
/* ---- y_structure */
Y("y_structure_lonely_false", "false")
Y("y_structure_lonely_int", "42")
Y("y_structure_lonely_negative_real", "-0.1")
Y("y_structure_lonely_null", "null")
Y("y_structure_lonely_string", "\"asd\"")
Y("y_structure_lonely_true", "true")
Y("y_structure_string_empty", "\"\"")
Y("y_structure_trailing_newline", "[\"a\"]\n")
Y("y_structure_true_in_array", "[true]")
Y("y_structure_whitespace_array", " [] ")
Y("y_structure_crlf_after", "{\"id\":1}\r\n")
Y("y_structure_depth_64",
    "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
    "]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]")
/* ---- RFC 8259 examples (section 13) and small texts (section 2) */
Y("y_rfc8259_image",
    "{\n  \"Image\": {\n    \"Width\":  800,\n    \"Height\": 600,\n"
    "    \"Title\":  \"View from 15th Floor\",\n    \"Thumbnail\": {\n"
    "      \"Url\":    \"http://www.example.com/image/481989943\",\n"
    "      \"Height\": 125,\n      \"Width\":  100\n    },\n"
    "    \"Animated\" : false,\n    \"IDs\": [116, 943, 234, 38793]\n"
    "  }\n}")
Y("y_rfc8259_locations",
    "[\n  {\n    \"precision\": \"zip\",\n    \"Latitude\":  37.7668,\n"
    "    \"Longitude\": -122.3959,\n    \"Address\":   \"\",\n"
    "    \"City\":      \"SAN FRANCISCO\",\n    \"State\":     \"CA\",\n"
    "    \"Zip\":       \"94107\",\n    \"Country\":   \"US\"\n  },\n  {\n"
    "    \"precision\": \"zip\",\n    \"Latitude\":  37.371991,\n"
    "    \"Longitude\": -122.026020,\n    \"Address\":   \"\",\n"
    "    \"City\":      \"SUNNYVALE\",\n    \"State\":     \"CA\",\n"
    "    \"Zip\":       \"94085\",\n    \"Country\":   \"US\"\n  }\n]")
Y("y_rfc8259_hello", "\"Hello world!\"")
Y("y_rfc8259_42", "42")
Y("y_rfc8259_true", "true")
Y("y_rfc8259_g_clef", "\"\\uD834\\uDD1E\"")

/* ---- n_array */
N("n_array_1_true_without_comma", "[1 true]", JSON_E_CHAR)
N("n_array_a_invalid_utf8", "[a\345]", JSON_E_CHAR)
N("n_array_colon_instead_of_comma", "[\"\": 1]", JSON_E_CHAR)
N("n_array_comma_after_close", "[\"\"],", JSON_E_TRAILING)
N("n_array_comma_and_number", "[,1]", JSON_E_CHAR)
N("n_array_double_comma", "[1,,2]", JSON_E_CHAR)
N("n_array_double_extra_comma", "[\"x\",,]", JSON_E_CHAR)
N("n_array_extra_close", "[\"x\"]]", JSON_E_TRAILING)
N("n_array_extra_comma", "[\"\",]", JSON_E_CHAR)
N("n_array_incomplete", "[\"x\"", JSON_E_EOF)
N("n_array_incomplete_invalid_value", "[x", JSON_E_CHAR)
N("n_array_inner_array_no_comma", "[3[4]]", JSON_E_CHAR)
N("n_array_invalid_utf8", "[\377]", JSON_E_CHAR)
N("n_array_items_separated_by_semicolon", "[1:2]", JSON_E_CHAR)
N("n_array_just_comma", "[,]", JSON_E_CHAR)
N("n_array_just_minus", "[-]", JSON_E_NUMBER)
N("n_array_missing_value", "[   , \"\"]", JSON_E_CHAR)
N("n_array_newlines_unclosed", "[\"a\",\n4\n,1,", JSON_E_EOF)
N("n_array_number_and_comma", "[1,]", JSON_E_CHAR)
N("n_array_number_and_several_commas", "[1,,]", JSON_E_CHAR)
N("n_array_spaces_vertical_tab_formfeed", "[\"\013a\"\\f]", JSON_E_CTRL)
N("n_array_star_inside", "[*]", JSON_E_CHAR)
N("n_array_unclosed", "[\"\"", JSON_E_EOF)
N("n_array_unclosed_trailing_comma", "[1,", JSON_E_EOF)
N("n_array_unclosed_with_new_lines", "[1,\n1\n,1", JSON_E_EOF)
N("n_array_unclosed_with_object_inside", "[{}", JSON_E_EOF)
N("n_array_close_with_brace", "[1}", JSON_E_CHAR)
N("n_array_depth_65",
    "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
    "]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
    JSON_E_DEPTH)
/* ---- n_incomplete */
N("n_incomplete_false", "[fals]", JSON_E_CHAR)
N("n_incomplete_null", "[nul]", JSON_E_CHAR)
N("n_incomplete_true", "[tru]", JSON_E_CHAR)
N("n_incomplete_true_eof", "tru", JSON_E_EOF)
N("n_literal_capital", "[True]", JSON_E_CHAR)
N("n_literal_trailing_letter", "[nullx]", JSON_E_CHAR)
N("n_multidigit_number_then_00", "123\000", JSON_E_TRAILING)
/* ---- n_number */
N("n_number_++", "[++1234]", JSON_E_CHAR)
N("n_number_+1", "[+1]", JSON_E_CHAR)
N("n_number_+Inf", "[+Inf]", JSON_E_CHAR)
N("n_number_-01", "[-01]", JSON_E_NUMBER)
N("n_number_-1.0.", "[-1.0.]", JSON_E_CHAR)
N("n_number_-2.", "[-2.]", JSON_E_NUMBER)
N("n_number_-NaN", "[-NaN]", JSON_E_NUMBER)
N("n_number_.-1", "[.-1]", JSON_E_CHAR)
N("n_number_.2e-3", "[.2e-3]", JSON_E_CHAR)
N("n_number_0.1.2", "[0.1.2]", JSON_E_CHAR)
N("n_number_0.3e+", "[0.3e+]", JSON_E_NUMBER)
N("n_number_0.3e", "[0.3e]", JSON_E_NUMBER)
N("n_number_0.e1", "[0.e1]", JSON_E_NUMBER)
N("n_number_0_capital_E+", "[0E+]", JSON_E_NUMBER)
N("n_number_0_capital_E", "[0E]", JSON_E_NUMBER)
N("n_number_0e+", "[0e+]", JSON_E_NUMBER)
N("n_number_0e", "[0e]", JSON_E_NUMBER)
N("n_number_1.0e+", "[1.0e+]", JSON_E_NUMBER)
N("n_number_1.0e-", "[1.0e-]", JSON_E_NUMBER)
N("n_number_1.0e", "[1.0e]", JSON_E_NUMBER)
N("n_number_1_000", "[1 000.0]", JSON_E_CHAR)
N("n_number_1eE2", "[1eE2]", JSON_E_NUMBER)
N("n_number_2.e+3", "[2.e+3]", JSON_E_NUMBER)
N("n_number_2.e-3", "[2.e-3]", JSON_E_NUMBER)
N("n_number_2.e3", "[2.e3]", JSON_E_NUMBER)
N("n_number_9.e+", "[9.e+]", JSON_E_NUMBER)
N("n_number_Inf", "[Inf]", JSON_E_CHAR)
N("n_number_NaN", "[NaN]", JSON_E_CHAR)
N("n_number_U+FF11_fullwidth_digit_one", "[\357\274\221]", JSON_E_CHAR)
N("n_number_expression", "[1+2]", JSON_E_CHAR)
N("n_number_hex_1_digit", "[0x1]", JSON_E_CHAR)
N("n_number_hex_2_digits", "[0x42]", JSON_E_CHAR)
N("n_number_infinity", "[Infinity]", JSON_E_CHAR)
N("n_number_invalid+-", "[0e+-1]", JSON_E_NUMBER)
N("n_number_invalid-negative-real", "[-123.123foo]", JSON_E_CHAR)
N("n_number_invalid-utf-8-in-bigger-int", "[123\345]", JSON_E_CHAR)
N("n_number_invalid-utf-8-in-exponent", "[1e1\345]", JSON_E_CHAR)
N("n_number_invalid-utf-8-in-int", "[0\345]\n", JSON_E_CHAR)
N("n_number_minus_infinity", "[-Infinity]", JSON_E_NUMBER)
N("n_number_minus_sign_with_trailing_garbage", "[-foo]", JSON_E_NUMBER)
N("n_number_minus_space_1", "[- 1]", JSON_E_NUMBER)
N("n_number_neg_int_starting_with_zero", "[-012]", JSON_E_NUMBER)
N("n_number_neg_real_without_int_part", "[-.123]", JSON_E_NUMBER)
N("n_number_neg_with_garbage_at_end", "[-1x]", JSON_E_CHAR)
N("n_number_real_garbage_after_e", "[1ea]", JSON_E_NUMBER)
N("n_number_real_with_invalid_utf8_after_e", "[1e\345]", JSON_E_NUMBER)
N("n_number_real_without_fractional_part", "[1.]", JSON_E_NUMBER)
N("n_number_starting_with_dot", "[.123]", JSON_E_CHAR)
N("n_number_with_alpha", "[1.2a-3]", JSON_E_CHAR)
N("n_number_with_alpha_char", "[1.8011670033376514H-308]", JSON_E_CHAR)
N("n_number_with_leading_zero", "[012]", JSON_E_NUMBER)
N("n_number_lonely_minus_eof", "-", JSON_E_EOF)
N("n_number_frac_eof", "1.", JSON_E_EOF)
N("n_number_exp_eof", "1e", JSON_E_EOF)
N("n_number_exp_sign_eof", "1e-", JSON_E_EOF)
N("n_number_leading_zeros_long", "[00000000000000001]", JSON_E_NUMBER)
N("n_number_long_then_letter", "[1234567890123456789x]", JSON_E_CHAR)
/* ---- n_object */
N("n_object_bad_value", "[\"x\", truth]", JSON_E_CHAR)
N("n_object_bracket_key", "{[: \"x\"}\n", JSON_E_CHAR)
N("n_object_comma_instead_of_colon", "{\"x\", null}", JSON_E_CHAR)
N("n_object_double_colon", "{\"x\"::\"b\"}", JSON_E_CHAR)
N("n_object_emoji", "{\360\237\207\250\360\237\207\255}", JSON_E_CHAR)
N("n_object_garbage_at_end", "{\"a\":\"a\" 123}", JSON_E_CHAR)
N("n_object_key_with_single_quotes", "{key: 'value'}", JSON_E_CHAR)
N("n_object_lone_continuation_byte_in_key_and_trailing_comma",
    "{\"\271\":\"0\",}", JSON_E_UTF8)
N("n_object_missing_colon", "{\"a\" b}", JSON_E_CHAR)
N("n_object_missing_key", "{:\"b\"}", JSON_E_CHAR)
N("n_object_missing_semicolon", "{\"a\" \"b\"}", JSON_E_CHAR)
N("n_object_missing_value", "{\"a\":", JSON_E_EOF)
N("n_object_no-colon", "{\"a\"", JSON_E_EOF)
N("n_object_non_string_key", "{1:1}", JSON_E_CHAR)
N("n_object_non_string_key_but_huge_number_instead", "{9999E9999:1}",
    JSON_E_CHAR)
N("n_object_repeated_null_null", "{null:null,null:null}", JSON_E_CHAR)
N("n_object_several_trailing_commas", "{\"id\":0,,,,,}", JSON_E_CHAR)
N("n_object_single_quote", "{'a':0}", JSON_E_CHAR)
N("n_object_trailing_comma", "{\"id\":0,}", JSON_E_CHAR)
N("n_object_trailing_comment", "{\"a\":\"b\"}/**/", JSON_E_TRAILING)
N("n_object_trailing_comment_open", "{\"a\":\"b\"}/**//", JSON_E_TRAILING)
N("n_object_trailing_comment_slash_open", "{\"a\":\"b\"}//",
    JSON_E_TRAILING)
N("n_object_trailing_comment_slash_open_incomplete", "{\"a\":\"b\"}/",
    JSON_E_TRAILING)
N("n_object_two_commas_in_a_row", "{\"a\":\"b\",,\"c\":\"d\"}", JSON_E_CHAR)
N("n_object_unquoted_key", "{a: \"b\"}", JSON_E_CHAR)
N("n_object_unterminated-value", "{\"a\":\"a", JSON_E_EOF)
N("n_object_with_single_string", "{ \"foo\" : \"bar\", \"a\" }", JSON_E_CHAR)
N("n_object_with_trailing_garbage", "{\"a\":\"b\"}#", JSON_E_TRAILING)
N("n_object_close_with_bracket", "{\"a\":1]", JSON_E_CHAR)
N("n_object_comma_first", "{,\"a\":1}", JSON_E_CHAR)
N("n_object_value_missing_before_close", "{\"a\":}", JSON_E_CHAR)
N("n_single_space", " ", JSON_E_EOF)
/* ---- n_string */
N("n_string_1_surrogate_then_escape", "[\"\\uD800\\\"]", JSON_E_SURROGATE)
N("n_string_1_surrogate_then_escape_u", "[\"\\uD800\\u\"]", JSON_E_ESCAPE)
N("n_string_1_surrogate_then_escape_u1", "[\"\\uD800\\u1\"]", JSON_E_ESCAPE)
N("n_string_1_surrogate_then_escape_u1x", "[\"\\uD800\\u1x\"]",
    JSON_E_ESCAPE)
N("n_string_accentuated_char_no_quotes", "[\303\251]", JSON_E_CHAR)
N("n_string_backslash_00", "[\"\\\000\"]", JSON_E_ESCAPE)
N("n_string_escape_x", "[\"\\x00\"]", JSON_E_ESCAPE)
N("n_string_escaped_backslash_bad", "[\"\\\\\\\"]", JSON_E_EOF)
N("n_string_escaped_ctrl_char_tab", "[\"\\\t\"]", JSON_E_ESCAPE)
N("n_string_escaped_emoji", "[\"\\\360\237\214\200\"]", JSON_E_ESCAPE)
N("n_string_incomplete_escape", "[\"\\\"]", JSON_E_EOF)
N("n_string_incomplete_escaped_character", "[\"\\u00A\"]", JSON_E_ESCAPE)
N("n_string_incomplete_surrogate", "[\"\\uD834\\uDd\"]", JSON_E_ESCAPE)
N("n_string_incomplete_surrogate_escape_invalid",
    "[\"\\uD800\\uD800\\x\"]", JSON_E_SURROGATE)
N("n_string_invalid-utf-8-in-escape", "[\"\\u\345\"]", JSON_E_ESCAPE)
N("n_string_invalid_backslash_esc", "[\"\\a\"]", JSON_E_ESCAPE)
N("n_string_invalid_unicode_escape", "[\"\\uqqqq\"]", JSON_E_ESCAPE)
N("n_string_invalid_utf8_after_escape", "[\"\\\345\"]", JSON_E_ESCAPE)
N("n_string_leading_uescaped_thinspace", "[\\u0020\"asd\"]", JSON_E_CHAR)
N("n_string_no_quotes_with_bad_escape", "[\\n]", JSON_E_CHAR)
N("n_string_single_doublequote", "\"", JSON_E_EOF)
N("n_string_single_quote", "['single quote']", JSON_E_CHAR)
N("n_string_single_string_no_double_quotes", "abc", JSON_E_CHAR)
N("n_string_start_escape_unclosed", "[\"\\", JSON_E_EOF)
N("n_string_unescaped_ctrl_char", "[\"a\000a\"]", JSON_E_CTRL)
N("n_string_unescaped_newline", "[\"new\nline\"]", JSON_E_CTRL)
N("n_string_unescaped_tab", "[\"\t\"]", JSON_E_CTRL)
N("n_string_unescaped_ctrl_1f_after_8", "[\"12345678\037\"]", JSON_E_CTRL)
N("n_string_unicode_CapitalU", "\"\\UA66D\"", JSON_E_ESCAPE)
N("n_string_with_trailing_garbage", "\"\"x", JSON_E_TRAILING)
N("n_string_u_escape_eof", "\"\\u12", JSON_E_EOF)
N("n_string_high_surrogate_eof", "\"\\uD800", JSON_E_EOF)
N("n_string_high_surrogate_then_plain", "\"\\uD800x\"", JSON_E_SURROGATE)
N("n_string_escaped_quote_unclosed", "\"abc\\\"", JSON_E_EOF)
/* ---- n_structure */
N("n_structure_angle_bracket_.", "<.>", JSON_E_CHAR)
N("n_structure_angle_bracket_null", "[<null>]", JSON_E_CHAR)
N("n_structure_array_trailing_garbage", "[1]x", JSON_E_TRAILING)
N("n_structure_array_with_extra_array_close", "[1]]", JSON_E_TRAILING)
N("n_structure_array_with_unclosed_string", "[\"asd]", JSON_E_EOF)
N("n_structure_ascii-unicode-identifier", "a\303\245", JSON_E_CHAR)
N("n_structure_capitalized_True", "[True]", JSON_E_CHAR)
N("n_structure_close_unopened_array", "1]", JSON_E_TRAILING)
N("n_structure_comma_instead_of_closing_brace", "{\"x\": true,", JSON_E_EOF)
N("n_structure_double_array", "[][]", JSON_E_TRAILING)
N("n_structure_end_array", "]", JSON_E_CHAR)
N("n_structure_incomplete_UTF8_BOM", "\357\273{}", JSON_E_CHAR)
N("n_structure_lone-invalid-utf-8", "\345", JSON_E_CHAR)
N("n_structure_lone-open-bracket", "[", JSON_E_EOF)
N("n_structure_no_data", "", JSON_E_EOF)
N("n_structure_null-byte-outside-string", "[\000]", JSON_E_CHAR)
N("n_structure_number_with_trailing_garbage", "2@", JSON_E_TRAILING)
N("n_structure_object_followed_by_closing_object", "{}}", JSON_E_TRAILING)
N("n_structure_object_unclosed_no_value", "{\"\":", JSON_E_EOF)
N("n_structure_object_with_comment", "{\"a\":/*comment*/\"b\"}", JSON_E_CHAR)
N("n_structure_object_with_trailing_garbage", "{\"a\": true} \"x\"",
    JSON_E_TRAILING)
N("n_structure_open_array_apostrophe", "['", JSON_E_CHAR)
N("n_structure_open_array_comma", "[,", JSON_E_CHAR)
N("n_structure_open_array_open_object", "[{", JSON_E_EOF)
N("n_structure_open_array_open_string", "[\"a", JSON_E_EOF)
N("n_structure_open_array_string", "[\"a\"", JSON_E_EOF)
N("n_structure_open_object", "{", JSON_E_EOF)
N("n_structure_open_object_close_array", "{]", JSON_E_CHAR)
N("n_structure_open_object_comma", "{,", JSON_E_CHAR)
N("n_structure_open_object_open_array", "{[", JSON_E_CHAR)
N("n_structure_open_object_open_string", "{\"a", JSON_E_EOF)
N("n_structure_open_object_string_with_apostrophes", "{'a'", JSON_E_CHAR)
N("n_structure_open_open", "[\"\\{[\"\\{[\"\\{[\"\\{", JSON_E_ESCAPE)
N("n_structure_single_eacute", "\351", JSON_E_CHAR)
N("n_structure_single_star", "*", JSON_E_CHAR)
N("n_structure_trailing_#", "{\"a\":\"b\"}#{}", JSON_E_TRAILING)
N("n_structure_U+2060_word_joined", "[\342\201\240]", JSON_E_CHAR)
N("n_structure_uescaped_LF_before_string", "[\\u000A\"\"]", JSON_E_CHAR)
N("n_structure_unclosed_array", "[1", JSON_E_EOF)
N("n_structure_unclosed_array_partial_null", "[ false, nul", JSON_E_EOF)
N("n_structure_unclosed_array_unfinished_false", "[ true, fals", JSON_E_EOF)
N("n_structure_unclosed_array_unfinished_true", "[ false, tru", JSON_E_EOF)
N("n_structure_unclosed_object", "{\"asd\":\"asd\"", JSON_E_EOF)
N("n_structure_unicode-identifier", "\303\245", JSON_E_CHAR)
N("n_structure_whitespace_formfeed", "[\014]", JSON_E_CHAR)
N("n_structure_whitespace_vertical_tab", "[\013]", JSON_E_CHAR)
N("n_structure_whitespace_U+2060_word_joiner", "[\342\201\240]",
    JSON_E_CHAR)
N("n_structure_whitespace_nbsp", "[\302\2401]", JSON_E_CHAR)
N("n_structure_open_array_object",
    "[{\"\":[{\"\":[{\"\":[{\"\":[{\"\":[{\"\":[{\"\":[{\"\":[{\"\":",
    JSON_E_EOF)
N("n_structure_array_of_unclosed_objects", "[{},{", JSON_E_EOF)
N("n_structure_two_values", "1 2", JSON_E_TRAILING)
N("n_structure_two_objects", "{}{}", JSON_E_TRAILING)
N("n_structure_nul_after", "{}\000", JSON_E_TRAILING)

/* ---- i_ (implementation-defined; sluice's verdicts, see above) */
I("i_number_double_huge_neg_exp", "[123.456e-789]", 0)
I("i_number_huge_exp", "[0.4e0066999999999999999999999999999999999999999"
    "9999999999999999999999999999999999999999999999969999999006]", 0)
I("i_number_neg_int_huge_exp", "[-1e+9999]", 0)
I("i_number_pos_double_huge_exp", "[1.5e+9999]", 0)
I("i_number_real_neg_overflow", "[-123123e100000]", 0)
I("i_number_real_pos_overflow", "[123123e100000]", 0)
I("i_number_real_underflow", "[123e-10000000]", 0)
I("i_number_too_big_neg_int", "[-123123123123123123123123123123]", 0)
I("i_number_too_big_pos_int", "[100000000000000000000]", 0)
I("i_number_very_big_negative_int",
    "[-237462374673276894279832749832423479823246327846]", 0)
I("i_object_key_lone_2nd_surrogate", "{\"\\uDFAA\":0}", JSON_E_SURROGATE)
I("i_string_1st_surrogate_but_2nd_missing", "[\"\\uDADA\"]",
    JSON_E_SURROGATE)
I("i_string_1st_valid_surrogate_2nd_invalid", "[\"\\uD888\\u1234\"]",
    JSON_E_SURROGATE)
I("i_string_UTF-16LE_with_BOM", "\377\376[\000\"\000\351\000\"\000]\000",
    JSON_E_CHAR)
I("i_string_UTF-8_invalid_sequence", "[\"\346\227\245\321\210\372\"]",
    JSON_E_UTF8)
I("i_string_UTF8_surrogate_U+D800", "[\"\355\240\200\"]", JSON_E_UTF8)
I("i_string_incomplete_surrogate_and_escape_valid", "[\"\\uD800\\n\"]",
    JSON_E_SURROGATE)
I("i_string_incomplete_surrogate_pair", "[\"\\uDd1ea\"]", JSON_E_SURROGATE)
I("i_string_incomplete_surrogates_escape_valid", "[\"\\uD800\\uD800\\n\"]",
    JSON_E_SURROGATE)
I("i_string_invalid_lonely_surrogate", "[\"\\ud800\"]", JSON_E_SURROGATE)
I("i_string_invalid_surrogate", "[\"\\ud800abc\"]", JSON_E_SURROGATE)
I("i_string_invalid_utf-8", "[\"\377\"]", JSON_E_UTF8)
I("i_string_inverted_surrogates_U+1D11E", "[\"\\uDd1e\\uD834\"]",
    JSON_E_SURROGATE)
I("i_string_iso_latin_1", "[\"\351\"]", JSON_E_UTF8)
I("i_string_lone_second_surrogate", "[\"\\uDFAA\"]", JSON_E_SURROGATE)
I("i_string_lone_utf8_continuation_byte", "[\"\201\"]", JSON_E_UTF8)
I("i_string_not_in_unicode_range", "[\"\364\277\277\277\"]", JSON_E_UTF8)
I("i_string_overlong_sequence_2_bytes", "[\"\300\257\"]", JSON_E_UTF8)
I("i_string_overlong_sequence_3_bytes", "[\"\340\200\257\"]", JSON_E_UTF8)
I("i_string_overlong_sequence_4_bytes", "[\"\360\200\200\257\"]",
    JSON_E_UTF8)
I("i_string_overlong_sequence_6_bytes", "[\"\374\203\277\277\277\277\"]",
    JSON_E_UTF8)
I("i_string_overlong_sequence_6_bytes_null", "[\"\374\200\200\200\200\200\"]",
    JSON_E_UTF8)
I("i_string_truncated-utf-8", "[\"\340\377\"]", JSON_E_UTF8)
I("i_string_truncated_utf8_3_of_4", "[\"\360\237\230\"]", JSON_E_UTF8)
I("i_string_utf16BE_no_BOM", "\000[\000\"\000\351\000\"\000]", JSON_E_CHAR)
I("i_string_utf16LE_no_BOM", "[\000\"\000\351\000\"\000]\000", JSON_E_CHAR)
I("i_string_5_byte_lead", "[\"\370\210\200\200\200\"]", JSON_E_UTF8)
I("i_string_surrogate_U+DFFF_utf8", "[\"\355\277\277\"]", JSON_E_UTF8)
I("i_string_above_10FFFF", "[\"\364\220\200\200\"]", JSON_E_UTF8)
I("i_string_utf8_eof_in_sequence", "\"\342\202", JSON_E_EOF)
I("i_structure_500_nested_arrays",
    "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
    "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
    "]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"
    "]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
    JSON_E_DEPTH)
I("i_structure_UTF-8_BOM_empty_object", "\357\273\277{}", JSON_E_CHAR)
I("i_object_deep_in_object_65",
    "{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":"
    "{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":"
    "{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":"
    "{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":"
    "{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":"
    "{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":"
    "{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{", JSON_E_DEPTH)

#undef Y
#undef N
#undef I
