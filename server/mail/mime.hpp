// MIME and RFC 5322 building blocks for the confirmation e-mails: encoded-words, folded header lines,
// quoted-printable, base64, the Date header and multipart bodies. Pure functions: no IO; safe from any thread.
#pragma once

#include "domain/model.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace seminard::server::mime {

// Everything returned here is 7-bit ASCII with CRLF line ends, ready for any SMTP server.

/// RFC 5322 2.1.1: a header line SHOULD hold at most 78 characters (without CRLF).
inline constexpr std::size_t max_header_line = 78;
/// RFC 2047 2: an encoded-word holds at most 75 characters.
inline constexpr std::size_t max_encoded_word = 75;
/// RFC 2045 6.7 and 6.8: quoted-printable and base64 lines hold at most 76 characters.
inline constexpr std::size_t max_body_line = 76;

inline constexpr std::string_view crlf = "\r\n";

/// RFC 2047 encoded-words ("=?UTF-8?Q?...?=" for mostly Latin text, "=?UTF-8?B?...?=" otherwise) for UTF-8 text,
/// separated by single spaces; each word holds at most `max_word` characters (capped at max_encoded_word) and
/// whole UTF-8 sequences only. The Q form uses only the characters RFC 2047 5(3) allows in a phrase, so the words
/// are valid in every header. Decoders drop the spaces between adjacent words: the text comes back exactly.
std::string encoded_words(std::string_view utf8, std::size_t max_word = max_encoded_word);

/// A complete unstructured header field ("Subject: ...\r\n"): ASCII words stay readable, runs of words with
/// non-ASCII (or that would look like an encoded-word, or are too long for a line) become encoded-words, folded
/// at spaces so that no line exceeds max_header_line. Control characters (CR, LF, TAB, ...) become spaces, so no
/// value can add a header.
std::string unstructured_header(std::string_view name, std::string_view utf8);

/// A complete structured header field whose value is already 7-bit (addresses, ids, parameters): folded at its
/// spaces so that lines stay within max_header_line where a space allows it. Control characters become spaces.
std::string structured_header(std::string_view name, std::string_view value);

/// A mailbox for From, To or Reply-To: `address` alone without a name; `Name <address>` when the name is plain
/// ASCII words; a quoted-string for ASCII with specials ("Müller, Hans" style names, quotes, angle brackets);
/// encoded-words for non-ASCII: one word when the name fits in max_encoded_word (the header then folds before it
/// if needed), else split after spaces. Control characters in the name become spaces; the address is taken as
/// given (validated before).
std::string mailbox(std::string_view name, std::string_view address);

/// The address with every non-ASCII label of its domain as IDNA A-labels ("müller.de" -> "xn--mller-kva.de"), by
/// libidn2: IDNA2008 with the UTS #46 mapping (case folded, NFC, full-width forms and the ideographic full stop
/// mapped) and non-transitional processing ("faß.de" -> "xn--fa-hia.de", not "fass.de"); a label that IDNA2008
/// refuses but IDNA2003 allowed (emoji) gets transitional processing instead ("😀.de" -> "xn--e28h.de"). ASCII
/// labels stay as given. When a label cannot be converted at all (a hyphen at either end, a disallowed character
/// such as U+FFFD, bad UTF-8, or a result that is no host name), the whole address is returned as given: it is then
/// not ASCII, and since we never ask for SMTPUTF8 the SMTP server refuses it at RCPT TO, so the mail fails cleanly
/// as rejected instead of going to some other domain. A non-ASCII local part stays as it is: only SMTPUTF8
/// (RFC 6531) can carry it.
std::string ascii_address(std::string_view address);

/// Quoted-printable (RFC 2045 6.7) of UTF-8 text: "\n" or "\r\n" become CRLF line breaks, lines longer than
/// max_body_line get soft breaks (never inside an escape or a UTF-8 sequence), trailing spaces and tabs are
/// escaped, "=" always is, and so are a "." or a "From " at the start of a line (SMTP and mbox safety).
/// The result ends in CRLF unless it is empty.
std::string quoted_printable(std::string_view utf8);

/// Base64 (RFC 2045 6.8) in lines of max_body_line characters, each ending in CRLF.
std::string base64(std::string_view data);

/// An RFC 5322 date-time in UTC: "Wed, 27 Jan 2027 09:05:00 +0000".
std::string date_time(domain::instant t);

/// One MIME entity: its header lines (each ending in CRLF, without the blank line) and its encoded body.
struct entity {
    std::string headers;
    std::string body;
};

/// A text part (e.g. subtype "plain", "html", "calendar") with charset=UTF-8 and `params` appended to its
/// Content-Type (e.g. "method=REQUEST"), quoted-printable.
entity text_part(std::string_view subtype, std::string_view utf8, std::string_view params = {});
/// A part of any type in base64. `content_type` is the complete 7-bit value ("text/calendar; charset=UTF-8").
/// With a filename: Content-Disposition: attachment; filename="...".
entity base64_part(std::string_view content_type, std::string_view data, std::string_view filename = {});
/// A multipart/<subtype> entity of `parts`. Its boundary starts with "=_", which neither quoted-printable nor
/// base64 can produce, and is checked against every part, so it never occurs inside one.
entity multipart(std::string_view subtype, const std::vector<entity>& parts);

/// The entity as text: header lines, a blank line, the body.
std::string render(const entity& e);

}  // namespace seminard::server::mime
