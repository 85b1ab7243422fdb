from clientbase.access.tests.fixtures import break_audit

__all__ = ["break_audit"]
