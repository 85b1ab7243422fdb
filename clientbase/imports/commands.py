"""`clientbase import`: run a file into the base, or roll a batch back."""

from __future__ import annotations

import argparse
from pathlib import Path


def cmd_import(args: argparse.Namespace) -> None:
    from clientbase.cli import CommandError, _progress_printer, _setup_django

    _setup_django()
    from django.core.management import call_command

    from clientbase.imports.mapping import resolve_mapping
    from clientbase.imports.models import ImportBatch
    from clientbase.imports.services import ImportRunError, rollback_batch, run_import

    call_command("migrate", interactive=False, verbosity=0)
    if args.rollback is not None:
        batch = ImportBatch.objects.filter(pk=args.rollback).first()
        if batch is None:
            raise CommandError(f"no import batch #{args.rollback}")
        try:
            counts = rollback_batch(actor=None, batch=batch)
        except ImportRunError as exc:
            raise CommandError(str(exc)) from None
        print(
            f"Rolled back batch #{batch.pk}: {counts['deleted']:,} records deleted, "
            f"{counts['restored']:,} restored."
        )
        return
    if not args.file or not args.source:
        raise CommandError("give FILE and --source NAME (or --rollback BATCH_ID)")
    try:
        mapping = resolve_mapping(args.mapping, args.source) if args.mapping else None
        result = run_import(
            actor=None,
            path=Path(args.file),
            source_system=args.source,
            target=args.target,
            mapping=mapping,
            mode=args.mode,
            dry_run=args.dry_run,
            sheet=args.sheet,
            progress=_progress_printer(),
        )
    except (ImportRunError, ValueError) as exc:
        raise CommandError(str(exc)) from None
    what = "Dry run (nothing written)" if args.dry_run else f"Batch #{result.batch_id}"
    print(
        f"{what}: {result.status}, {result.rows:,} rows: {result.created:,} created, "
        f"{result.updated:,} updated, {result.unchanged:,} unchanged, "
        f"{result.rejected:,} rows rejected."
    )
    if result.rejected:
        for error in result.errors[:5]:
            print(f"  row {error.row}, {error.column or '-'}: {error.reason} ({error.value!r})")
        raise CommandError(f"{result.rejected:,} rows rejected; the report: {result.report_path}")


def add_parser(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = commands.add_parser("import", help="import a CSV, XLSX, Parquet or JSONL file")
    parser.add_argument("file", nargs="?", help="the file to import")
    parser.add_argument("--source", help="the system the file comes from, e.g. 1c, bitrix24")
    parser.add_argument(
        "--target",
        choices=("accounts", "contacts", "products", "orders", "deals", "activities"),
    )
    parser.add_argument("--mapping", help="a mapping JSON file, saved mapping or template name")
    parser.add_argument(
        "--mode", choices=("all-or-nothing", "valid-rows"), default="all-or-nothing"
    )
    parser.add_argument("--dry-run", action="store_true", help="check and count, write nothing")
    parser.add_argument("--sheet", help="the XLSX sheet (default: the first visible one)")
    parser.add_argument("--rollback", type=int, metavar="BATCH_ID", help="roll a batch back")
    parser.set_defaults(handler=cmd_import)
