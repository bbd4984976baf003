#pragma once
/// @file
/// The JSON text of a one-dimensional array of scalars (`[1,null,"a\"b",2.5]`): how relata
/// carries arrays between std::vector members and the engines (SQLite stores it as TEXT;
/// the PostgreSQL backend translates it to and from its array formats).

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace relata::detail {

/// One element of a JSON array: its kind and, for numbers, the token; for strings, the
/// unescaped text.
struct json_scalar {
    enum class kind { null, number, string, boolean };
    kind type = kind::null;
    std::string text;  ///< number token, unescaped string, or "true"/"false"
};

/// Appends `text` as a JSON string literal (quotes, backslash escapes, \u00XX for control bytes).
inline void append_json_string(std::string& out, std::string_view text) {
    out.push_back('"');
    for (const char c : text) {
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            case '\b': out += "\\b"; break;
            case '\f': out += "\\f"; break;
            default:
                if (static_cast<unsigned char>(c) < 0x20) {
                    constexpr std::string_view hex = "0123456789abcdef";
                    out += "\\u00";
                    out.push_back(hex[static_cast<unsigned char>(c) >> 4]);
                    out.push_back(hex[static_cast<unsigned char>(c) & 0xF]);
                } else {
                    out.push_back(c);
                }
        }
    }
    out.push_back('"');
}

inline void append_utf8(std::string& out, std::uint32_t code_point) {
    if (code_point < 0x80) {
        out.push_back(static_cast<char>(code_point));
    } else if (code_point < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (code_point >> 6)));
        out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
    } else if (code_point < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (code_point >> 12)));
        out.push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (code_point >> 18)));
        out.push_back(static_cast<char>(0x80 | ((code_point >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
    }
}

/// Parses a JSON array whose elements are null, true, false, numbers or strings (no nested
/// arrays or objects). @return false when `text` is not such an array.
inline bool parse_json_array(std::string_view text, std::vector<json_scalar>& out) {
    out.clear();
    std::size_t pos = 0;
    const auto skip_space = [&] {
        while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\t' || text[pos] == '\n' || text[pos] == '\r'))
            ++pos;
    };
    const auto hex4 = [&](std::uint32_t& v) {
        if (pos + 4 > text.size()) return false;
        v = 0;
        for (int i = 0; i < 4; ++i) {
            const char c = text[pos++];
            v <<= 4;
            if (c >= '0' && c <= '9') v |= static_cast<std::uint32_t>(c - '0');
            else if (c >= 'a' && c <= 'f') v |= static_cast<std::uint32_t>(c - 'a' + 10);
            else if (c >= 'A' && c <= 'F') v |= static_cast<std::uint32_t>(c - 'A' + 10);
            else return false;
        }
        return true;
    };
    const auto parse_string = [&](std::string& s) {
        ++pos;  // opening quote
        while (pos < text.size()) {
            const char c = text[pos++];
            if (c == '"') return true;
            if (static_cast<unsigned char>(c) < 0x20) return false;
            if (c != '\\') {
                s.push_back(c);
                continue;
            }
            if (pos >= text.size()) return false;
            switch (text[pos++]) {
                case '"': s.push_back('"'); break;
                case '\\': s.push_back('\\'); break;
                case '/': s.push_back('/'); break;
                case 'b': s.push_back('\b'); break;
                case 'f': s.push_back('\f'); break;
                case 'n': s.push_back('\n'); break;
                case 'r': s.push_back('\r'); break;
                case 't': s.push_back('\t'); break;
                case 'u': {
                    std::uint32_t cp = 0;
                    if (!hex4(cp)) return false;
                    if (cp >= 0xD800 && cp < 0xDC00) {  // a surrogate pair spells one code point
                        std::uint32_t low = 0;
                        if (pos + 2 > text.size() || text[pos] != '\\' || text[pos + 1] != 'u') return false;
                        pos += 2;
                        if (!hex4(low) || low < 0xDC00 || low >= 0xE000) return false;
                        cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                    } else if (cp >= 0xDC00 && cp < 0xE000) {
                        return false;
                    }
                    append_utf8(s, cp);
                    break;
                }
                default: return false;
            }
        }
        return false;
    };
    skip_space();
    if (pos >= text.size() || text[pos] != '[') return false;
    ++pos;
    skip_space();
    if (pos < text.size() && text[pos] == ']') {
        ++pos;
        skip_space();
        return pos == text.size();
    }
    while (true) {
        skip_space();
        if (pos >= text.size()) return false;
        json_scalar element;
        const char c = text[pos];
        if (c == '"') {
            element.type = json_scalar::kind::string;
            if (!parse_string(element.text)) return false;
        } else if (text.substr(pos, 4) == "null") {
            pos += 4;
        } else if (text.substr(pos, 4) == "true" || text.substr(pos, 5) == "false") {
            element.type = json_scalar::kind::boolean;
            element.text = c == 't' ? "true" : "false";
            pos += element.text.size();
        } else if (c == '-' || (c >= '0' && c <= '9')) {
            element.type = json_scalar::kind::number;
            const std::size_t start = pos;
            while (pos < text.size() && (text[pos] == '-' || text[pos] == '+' || text[pos] == '.' ||
                                         text[pos] == 'e' || text[pos] == 'E' || (text[pos] >= '0' && text[pos] <= '9')))
                ++pos;
            element.text = std::string(text.substr(start, pos - start));
        } else {
            return false;
        }
        out.push_back(std::move(element));
        skip_space();
        if (pos >= text.size()) return false;
        if (text[pos] == ',') {
            ++pos;
            continue;
        }
        if (text[pos] != ']') return false;
        ++pos;
        skip_space();
        return pos == text.size();
    }
}

}  // namespace relata::detail
