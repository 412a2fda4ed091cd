"""Open data: the registry and the measures as CSV (UTF-8 with BOM, for Excel) and JSON.

The measures CSV doubles as the bulk progress upload: its ``number``, ``status``
and ``progress`` columns are read back, and the empty ``date`` and ``note``
columns are there for the officer to fill in.
"""

import csv
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Prefetch
from django.http import HttpResponse

from portal.spreadsheet import safe_cell

from .models import Agreement, Measure, Party, ProgressReport, Signatory

AGREEMENT_COLUMNS = [
    "slug", "title", "kind", "status", "reference_number", "signed_on", "signed_at",
    "valid_from", "valid_until", "parties", "signatories", "sectors", "measures",
    "overall_progress", "overdue_measures", "url",
]  # fmt: skip
MEASURE_COLUMNS = [
    "agreement", "number", "title", "sector", "responsible_bodies", "due_date", "weight",
    "overdue", "status", "progress", "last_report_date", "last_report", "date", "note",
]  # fmt: skip


def registry_queryset(agreements):
    return agreements.with_progress().prefetch_related(
        "parties",
        "sectors",
        Prefetch("signatories", queryset=Signatory.objects.select_related("party")),
    )


def measures_queryset(measures):
    return (
        measures.select_related("agreement", "sector")
        .prefetch_related(
            Prefetch("responsible_bodies", queryset=Party.objects.order_by("name")),
            Prefetch("reports", queryset=ProgressReport.objects.order_by("-reported_on", "-pk")),
        )
        .order_by("agreement__signed_on", "agreement__slug", "number", "pk")
    )


def agreement_record(agreement: Agreement, request) -> dict:
    return {
        "slug": agreement.slug,
        "title": agreement.title,
        "kind": agreement.kind,
        "status": agreement.status,
        "reference_number": agreement.reference_number,
        "signed_on": agreement.signed_on,
        "signed_at": agreement.signed_at,
        "valid_from": agreement.valid_from,
        "valid_until": agreement.valid_until,
        "parties": [
            {"name": party.name, "kind": party.kind, "country": party.country}
            for party in agreement.parties.all()
        ],
        "signatories": [
            {
                "name": signatory.name,
                "position": signatory.position,
                "party": signatory.party.name if signatory.party else "",
            }
            for signatory in agreement.signatories.all()
        ],
        "sectors": [sector.slug for sector in agreement.sectors.all()],
        "measures": agreement.measure_count,
        "overall_progress": agreement.overall_percent,
        "overdue_measures": agreement.overdue_count,
        "url": request.build_absolute_uri(agreement.get_absolute_url()),
    }


def measure_record(measure: Measure) -> dict:
    reports = list(measure.reports.all())
    return {
        "agreement": measure.agreement.slug,
        "number": measure.number,
        "title": measure.title,
        "sector": measure.sector.slug if measure.sector else "",
        "responsible_bodies": [party.name for party in measure.responsible_bodies.all()],
        "due_date": measure.due_on,
        "weight": measure.weight,
        "overdue": measure.is_overdue,
        "status": measure.status,
        "progress": measure.progress,
        "reports": [
            {
                "date": report.reported_on,
                "progress": report.progress,
                "status": report.status,
                "text": report.text,
            }
            for report in reports
        ],
    }


def flat(value) -> str:
    """One CSV cell: lists joined with "; ", a person or party by name (and position)."""
    if isinstance(value, list):
        return "; ".join(
            item
            if isinstance(item, str)
            else ", ".join(filter(None, [item["name"], item.get("position", "")]))
            for item in value
        )
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def csv_response(filename: str, columns: list[str], records) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # BOM: spreadsheets then read the file as UTF-8
    writer = csv.writer(response)
    writer.writerow(columns)
    for record in records:
        writer.writerow([safe_cell(flat(record.get(column))) for column in columns])
    return response


def json_response(filename: str, key: str, records) -> HttpResponse:
    response = HttpResponse(
        json.dumps({key: list(records)}, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


def measure_csv_record(measure: Measure) -> dict:
    record = measure_record(measure)
    latest = record["reports"][0] if record["reports"] else None
    record["last_report_date"] = latest["date"] if latest else ""
    record["last_report"] = latest["text"] if latest else ""
    return record
