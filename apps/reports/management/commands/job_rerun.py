from datetime import date

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from apps.reports.registry import UnknownJob, job_get, job_list
from apps.reports.services import job_run


class Command(BaseCommand):
    help = "Run a job again for every period between --from and --to (backfill), with a progress bar."

    def add_arguments(self, parser) -> None:
        parser.add_argument("job", help="registered job name, e.g. accounts.user_statistics_daily")
        parser.add_argument("--from", dest="first", required=True, type=date.fromisoformat, help="YYYY-MM-DD")
        parser.add_argument("--to", dest="last", type=date.fromisoformat, help="YYYY-MM-DD (default: --from)")
        parser.add_argument("--keep-going", action="store_true", help="continue past a failed period")

    def handle(self, *args, job: str, first: date, last: date | None, keep_going: bool, **options) -> None:
        try:
            spec = job_get(job)
        except UnknownJob:
            names = ", ".join(spec.name for spec in job_list())
            raise CommandError(f"unknown job {job!r}; registered: {names}") from None
        last = last or first
        if last < first:
            raise CommandError("--to is before --from")
        periods = spec.periods_between(first, last)
        failed = []
        rows = 0
        bar = tqdm(periods, desc=job, unit="period", file=self.stderr._out, disable=options["verbosity"] == 0)
        for period in bar:
            bar.set_postfix_str(str(period))
            try:
                rows += job_run(
                    job=job, period=period, notify_on_failure=False, triggered_by="job_rerun"
                ).rows
            except Exception as exc:
                failed.append(period)
                self.stderr.write(f"{period}: {type(exc).__name__}: {exc}")
                if not keep_going:
                    raise CommandError(f"{job} failed for {period}; see the job runs in admin") from exc
        if failed:
            raise CommandError(
                f"{len(failed)} of {len(periods)} periods failed: {', '.join(map(str, failed))}"
            )
        self.stdout.write(f"{job}: {len(periods)} periods, {rows} rows")
