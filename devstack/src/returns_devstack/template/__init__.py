"""Read template.yaml the way CloudFormation would, offline.

Pure functions, no AWS calls: load the SAM template, translate it with aws-sam-translator
(local code locations replaced by S3 placeholders whose key is the original path, so the
translated template still says where the code lives), resolve intrinsic functions against
known physical ids, and read the parts the local stack needs (functions and their handler
modules, SQS event sources, schedules, state machines).

`returns_devstack.deploy` builds on this; tests can use it directly to inspect the template.

Modules: translate.py (load + translate, cached), intrinsics.py (Ref/GetAtt/Sub/If/... against
known physical ids), reading.py (functions, event sources, schedules, references).
"""

from __future__ import annotations

from returns_devstack.template.constants import (
    CODE_BUCKET,
    PSEUDO_ACCOUNT_ID,
    TEMPLATE_FILENAME,
    find_template,
)
from returns_devstack.template.intrinsics import Intrinsics, Unresolvable
from returns_devstack.template.reading import (
    FunctionSource,
    HttpRoute,
    code_location,
    dead_letter_targets,
    functions,
    handler_import_path,
    http_routes,
    resource_references,
    schedules,
    sqs_event_sources,
    stream_event_sources,
    target_logical_id,
)
from returns_devstack.template.translate import (
    load_sam_template,
    parameter_values,
    translate,
    translate_file,
)

__all__ = [
    "CODE_BUCKET",
    "PSEUDO_ACCOUNT_ID",
    "TEMPLATE_FILENAME",
    "FunctionSource",
    "HttpRoute",
    "Intrinsics",
    "Unresolvable",
    "code_location",
    "dead_letter_targets",
    "find_template",
    "functions",
    "handler_import_path",
    "http_routes",
    "load_sam_template",
    "parameter_values",
    "resource_references",
    "schedules",
    "sqs_event_sources",
    "stream_event_sources",
    "target_logical_id",
    "translate",
    "translate_file",
]
