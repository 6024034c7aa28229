#!/usr/bin/env python3
"""An independent reading of a seminard confirmation e-mail with Python's standard `email` package.

Usage: mail_check.py FILE  (the whole RFC 5322 message as bytes)

Prints one JSON object: the decoded headers, the content types of all parts in order, the calendar method,
the decoded text/plain and text/html bodies (line ends as "\\n"), the calendar text exactly as decoded
(CRLF kept), the attachment's file name and bytes, and every defect the parser reported. The C++ tests
compare these against what the composer meant to send.
"""

import email
import email.policy
import json
import sys


def addresses(header):
    if header is None:
        return []
    return [{"display_name": a.display_name, "addr_spec": a.addr_spec} for a in header.addresses]


def header_defects(part, where):
    found = []
    for name, value in part.items():
        for defect in getattr(value, "defects", ()):
            found.append(f"{where} header {name}: {type(defect).__name__}: {defect}")
    return found


def main():
    with open(sys.argv[1], "rb") as f:
        data = f.read()
    msg = email.message_from_bytes(data, policy=email.policy.default)

    defects = [f"message: {type(d).__name__}: {d}" for d in msg.defects]
    defects += header_defects(msg, "message")
    result = {
        "subject": str(msg["subject"]) if msg["subject"] is not None else None,
        "from": addresses(msg["from"]),
        "to": addresses(msg["to"]),
        "reply_to": addresses(msg["reply-to"]),
        "date": msg["date"].datetime.isoformat() if msg["date"] is not None else None,
        "message_id": str(msg["message-id"]) if msg["message-id"] is not None else None,
        "content_language": str(msg["content-language"]) if msg["content-language"] is not None else None,
        "auto_submitted": str(msg["auto-submitted"]) if msg["auto-submitted"] is not None else None,
        "content_types": [],
        "method": None,
        "text": None,
        "html": None,
        "calendar": None,
        "attachment_filename": None,
        "attachment": None,
        "attachments": [],
        "seven_bit": all(b < 0x80 for b in data),
        "crlf_only": data.replace(b"\r\n", b"").find(b"\n") < 0 and data.replace(b"\r\n", b"").find(b"\r") < 0,
        "longest_line": max((len(line) for line in data.split(b"\r\n")), default=0),
    }

    for index, part in enumerate(msg.walk()):
        where = f"part {index} ({part.get_content_type()})"
        result["content_types"].append(part.get_content_type())
        if index > 0:
            defects += [f"{where}: {type(d).__name__}: {d}" for d in part.defects]
            defects += header_defects(part, where)
        if part.is_multipart():
            continue
        payload = part.get_payload(decode=True)
        if part.get_content_disposition() == "attachment":
            result["attachments"].append({"filename": part.get_filename(), "content": payload.decode("utf-8")})
            if result["attachment"] is None:
                result["attachment_filename"] = part.get_filename()
                result["attachment"] = payload.decode("utf-8")
            continue
        ctype = part.get_content_type()
        if ctype == "text/plain":
            result["text"] = part.get_content().replace("\r\n", "\n")
        elif ctype == "text/html":
            result["html"] = part.get_content().replace("\r\n", "\n")
        elif ctype == "text/calendar":
            result["method"] = part.get_param("method")
            result["calendar"] = payload.decode("utf-8")

    result["defects"] = defects
    json.dump(result, sys.stdout, ensure_ascii=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
