"""Least privilege, proven on the local stack: every AWS call a function's code makes (recorded by
returns_devstack.aws_hooks) is mapped to the IAM action and resource AWS authorizes it as
(`actions`), and evaluated against the function's role as template.yaml declares it, SAM's policy
templates expanded (`roles`, `evaluation`); `proof.check` says what is not granted and which grants
were never used. tests/stack/test_least_privilege.py runs it."""
