"""calc in Python (componentize-py): parses with `ast` and walks only the arithmetic subset,
so an expression can never call or import anything. componentize-py looks up `WitWorld`."""

import ast
import math
import operator

import wit_world
from componentize_py_types import Err

MAX_EXPONENT = 10_000  # 2 ** huge would take forever with Python's big integers
MAX_LENGTH = 10_000

BINARY = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
}
UNARY = {ast.UAdd: operator.pos, ast.USub: operator.neg}
CONSTANTS = {"pi": math.pi, "e": math.e}
FUNCTIONS = {
    "sqrt": math.sqrt,
    "abs": abs,
    "round": round,
    "floor": math.floor,
    "ceil": math.ceil,
    "min": min,
    "max": max,
    "log": math.log,
    "sin": math.sin,
    "cos": math.cos,
    "tan": math.tan,
}


class CalcError(Exception):
    pass


def evaluate_node(node):
    if isinstance(node, ast.Expression):
        return evaluate_node(node.body)
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return node.value
    if isinstance(node, ast.BinOp) and type(node.op) in BINARY:
        left, right = evaluate_node(node.left), evaluate_node(node.right)
        if isinstance(node.op, ast.Pow) and abs(right) > MAX_EXPONENT:
            raise CalcError(f"exponent {right} is too large (at most {MAX_EXPONENT})")
        return BINARY[type(node.op)](left, right)
    if isinstance(node, ast.UnaryOp) and type(node.op) in UNARY:
        return UNARY[type(node.op)](evaluate_node(node.operand))
    if isinstance(node, ast.Name):
        if node.id in CONSTANTS:
            return CONSTANTS[node.id]
        raise CalcError(f"unknown name '{node.id}'")
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and not node.keywords:
        function = FUNCTIONS.get(node.func.id)
        if function is None:
            raise CalcError(f"unknown function '{node.func.id}'")
        return function(*[evaluate_node(arg) for arg in node.args])
    raise CalcError(f"'{ast.unparse(node)}' is not arithmetic")


class WitWorld(wit_world.WitWorld):
    def evaluate(self, expression: str) -> float:
        if len(expression) > MAX_LENGTH:
            raise Err(f"the expression is longer than {MAX_LENGTH} characters")
        try:
            value = evaluate_node(ast.parse(expression.strip(), mode="eval"))
            return float(value)
        except SyntaxError as e:
            raise Err(f"syntax error at column {e.offset}: {e.msg}")
        except ZeroDivisionError:
            raise Err("division by zero")
        except OverflowError:
            raise Err("the result is too large")
        except (CalcError, ValueError, TypeError) as e:
            raise Err(str(e))
