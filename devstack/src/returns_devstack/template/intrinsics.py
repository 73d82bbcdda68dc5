"""CloudFormation intrinsic functions resolved against known physical ids."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any


class Unresolvable(LookupError):
    """An intrinsic refers to something that has no local physical counterpart."""


_NO_VALUE = object()


@dataclass
class Intrinsics:
    """Resolves Ref / Fn::GetAtt / Fn::Sub / Fn::Join / Fn::If / ... like CloudFormation.

    `ref(logical_id)` and `get_att(logical_id, attribute)` answer for resources; parameters,
    pseudo parameters and conditions come from the template and `pseudo`.
    """

    template: Mapping[str, Any]
    parameters: Mapping[str, Any]
    pseudo: Mapping[str, str]
    ref: Callable[[str], str]
    get_att: Callable[[str, str], str]

    def __post_init__(self) -> None:
        self._conditions: dict[str, bool] = {}
        specs = self.template.get("Parameters") or {}
        self._params = {
            name: (
                value.split(",")
                if isinstance(value, str)
                and specs.get(name, {}).get("Type") == "CommaDelimitedList"
                else value
            )
            for name, value in self.parameters.items()
        }

    def condition(self, name: str) -> bool:
        if name not in self._conditions:
            self._conditions[name] = bool(self._eval_condition(self.template["Conditions"][name]))
        return self._conditions[name]

    def _eval_condition(self, node: Any) -> Any:
        if isinstance(node, dict) and len(node) == 1:
            ((fn, args),) = node.items()
            if fn == "Condition":
                return self.condition(args)
            if fn == "Fn::Equals":
                left, right = (self.resolve(a) for a in args)
                return str(left) == str(right)
            if fn == "Fn::Not":
                return not self._eval_condition(args[0])
            if fn == "Fn::And":
                return all(self._eval_condition(a) for a in args)
            if fn == "Fn::Or":
                return any(self._eval_condition(a) for a in args)
        return self.resolve(node)

    def resolve(self, node: Any) -> Any:
        value = self._resolve(node)
        return None if value is _NO_VALUE else value

    def _ref(self, name: str) -> Any:
        if name == "AWS::NoValue":
            return _NO_VALUE
        if name in self.pseudo:
            return self.pseudo[name]
        if name in self._params:
            return self._params[name]
        return self.ref(name)

    def _resolve(self, node: Any) -> Any:  # one branch per intrinsic
        if isinstance(node, list):
            return [v for v in (self._resolve(n) for n in node) if v is not _NO_VALUE]
        if not isinstance(node, dict):
            return node
        if len(node) == 1:
            ((fn, args),) = node.items()
            if fn == "Ref":
                return self._ref(args)
            if fn == "Fn::GetAtt":
                logical_id, attribute = args.split(".", 1) if isinstance(args, str) else args
                return self.get_att(logical_id, self._resolve(attribute))
            if fn == "Fn::Sub":
                return self._sub(args)
            if fn == "Fn::Join":
                separator, items = args
                return separator.join(str(i) for i in self._resolve(items))
            if fn == "Fn::Select":
                index, items = args
                return self._resolve(items)[int(self._resolve(index))]
            if fn == "Fn::Split":
                separator, text = args
                return str(self._resolve(text)).split(separator)
            if fn == "Fn::If":
                name, if_true, if_false = args
                return self._resolve(if_true if self.condition(name) else if_false)
            if fn == "Fn::Base64":
                import base64

                return base64.b64encode(str(self._resolve(args)).encode()).decode()
            if fn == "Fn::ToJsonString":
                return json.dumps(self._resolve(args))
            if fn == "Fn::FindInMap":
                name, top, second = (self._resolve(a) for a in args)
                return self.template["Mappings"][name][top][second]
            if fn.startswith("Fn::") or fn == "Condition":
                raise Unresolvable(f"intrinsic {fn} is not supported locally")
        return {
            k: v for k, v in ((k, self._resolve(v)) for k, v in node.items()) if v is not _NO_VALUE
        }

    _SUB = re.compile(r"\$\{([^}]+)\}")

    def _sub(self, args: Any) -> str:
        text, variables = (args, {}) if isinstance(args, str) else args
        local = {k: self._resolve(v) for k, v in variables.items()}

        def replace(match: re.Match[str]) -> str:
            name = match.group(1).strip()
            if name.startswith("!"):
                return "${" + name[1:] + "}"
            if name in local:
                return str(local[name])
            if "." in name and not name.startswith("AWS::"):
                logical_id, attribute = name.split(".", 1)
                return str(self.get_att(logical_id, attribute))
            return str(self._ref(name))

        return self._SUB.sub(replace, text)
