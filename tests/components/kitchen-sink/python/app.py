"""kitchen-sink in Python (componentize-py). Behaviour: ../README.md.

componentize-py looks up one class per export by name: `WitWorld` for the world's own
functions and `Values` for the exported interface. Value mapping: integers are plain `int`
(so wrapping is done by hand), variants are `Shape_*` dataclasses, flags an `enum.Flag`,
nested options use `Some`, and a `result` is returned as the ok value or raised as `Err`.
"""

import sys
from typing import List, Optional, Tuple

from componentize_py_types import Err, Result, Some
from wit_world import WitWorld as WitWorldProtocol
from wit_world.exports import Values as ValuesProtocol
from wit_world.exports.values import (
    Color,
    Permissions,
    Person,
    Shape,
    Shape_Circle,
    Shape_Rectangle,
)

PI = 3.141592653589793
INT32_MIN = -(2**31)


def wrap(value: int, bits: int) -> int:
    """Reduces value into the signed two's complement range of `bits` bits."""
    half = 1 << (bits - 1)
    return (value + half) % (1 << bits) - half


class WitWorld(WitWorldProtocol):
    def add(self, a: int, b: int) -> int:
        return wrap(a + b, 32)


class Values(ValuesProtocol):
    def echo_bool(self, v: bool) -> bool:
        return v

    def echo_s8(self, v: int) -> int:
        return v

    def echo_u8(self, v: int) -> int:
        return v

    def echo_s16(self, v: int) -> int:
        return v

    def echo_u16(self, v: int) -> int:
        return v

    def echo_s32(self, v: int) -> int:
        return v

    def echo_u32(self, v: int) -> int:
        return v

    def echo_s64(self, v: int) -> int:
        return v

    def echo_u64(self, v: int) -> int:
        return v

    def echo_f32(self, v: float) -> float:
        return v

    def echo_f64(self, v: float) -> float:
        return v

    def echo_char(self, v: str) -> str:
        return v

    def echo_string(self, v: str) -> str:
        return v

    def echo_bytes(self, v: bytes) -> bytes:
        return v

    def echo_list(self, v: List[int]) -> List[int]:
        return v

    def echo_strings(self, v: List[str]) -> List[str]:
        return v

    def echo_person(self, v: Person) -> Person:
        return v

    def echo_tuple(self, v: Tuple[int, str, bool]) -> Tuple[int, str, bool]:
        return v

    def echo_shape(self, v: Shape) -> Shape:
        return v

    def echo_color(self, v: Color) -> Color:
        return v

    def echo_permissions(self, v: Permissions) -> Permissions:
        return v

    def echo_option(self, v: Optional[str]) -> Optional[str]:
        return v

    def echo_nested_option(self, v: Optional[Some[Optional[int]]]) -> Optional[Some[Optional[int]]]:
        return v

    def echo_result(self, v: Result[int, str]) -> int:
        if isinstance(v, Err):
            raise v  # Err is an exception: raising it returns err(payload)
        return v.value

    def echo_people(self, v: List[Person]) -> List[Person]:
        return v

    def greet(self, who: Person) -> str:
        return f"Hello, {who.name}! You are {who.age}."

    def sum(self, values: List[int]) -> int:
        return wrap(sum(values), 64)  # wrapping once at the end is the same modulo 2^64

    def area(self, s: Shape) -> float:
        if isinstance(s, Shape_Circle):
            return PI * s.value * s.value  # (pi*r)*r, as the README fixes
        if isinstance(s, Shape_Rectangle):
            width, height = s.value
            return width * height
        return 0.0

    def divide(self, a: int, b: int) -> int:
        if b == 0:
            raise Err("division by zero")
        if a == INT32_MIN and b == -1:
            raise Err("overflow")
        quotient = abs(a) // abs(b)  # Python's // floors; the WIT contract truncates
        return quotient if (a < 0) == (b < 0) else -quotient

    def describe(
        self, people: List[Person], c: Color, p: Permissions
    ) -> Tuple[int, str, List[str]]:
        del c  # accepted, deliberately unused
        flags = [
            name
            for flag, name in (
                (Permissions.READ, "read"),
                (Permissions.WRITE, "write"),
                (Permissions.EXEC, "exec"),
            )
            if flag in p
        ]
        return (len(people), ", ".join(person.name for person in people), flags)

    def fail(self, msg: str) -> None:
        sys.stderr.write(msg + "\n")
        sys.stderr.flush()
        raise RuntimeError(msg)  # uncaught in an export: componentize-py traps

    def noop(self) -> None:
        pass
