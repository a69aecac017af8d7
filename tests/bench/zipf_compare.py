"""Two servers under wrk, alternating, with ids drawn from a Zipf distribution; prints the ratio.

    python tests/bench/zipf_compare.py --a 'http://127.0.0.1:8000/campaigns?page={id}' \
        --b 'http://127.0.0.1:8101/campaigns/{id}' --a-ids 1-833 --b-ids 1-10000 [--s 1.1]

``../shared/bench/compare.py`` draws ids uniformly: every request a different page, as when
thousands of schools and donors each open their own. A campaign shared on LINE or Facebook is
not like that: a few pages take most of the visits. Here id k (1-based within its range) is
drawn with probability proportional to 1 / k^s (s = 1.1 by default), for both servers, so the
reference page gets the same mix. Same output as compare.py: each round's requests/s, latency
percentiles and errors, then the median ratio A/B.
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import tempfile

#: wrk's Lua: the cumulative distribution of the ids, then a binary search per request.
LUA = """
math.randomseed(os.time())
local lo, n, s = %d, %d, %f
local cdf, total = {}, 0
for k = 1, n do total = total + 1 / k ^ s; cdf[k] = total end
local function draw()
  local u, a, b = math.random() * total, 1, n
  while a < b do
    local m = math.floor((a + b) / 2)
    if cdf[m] < u then a = m + 1 else b = m end
  end
  return lo + a - 1
end
request = function()
  return wrk.format("GET", (string.gsub(wrk.path, "{id}", tostring(draw()))))
end
"""


def run_wrk(url: str, ids: tuple[int, int], s: float, seconds: int, connections: int) -> dict:
    scheme, _, rest = url.partition("//")
    host, _, path = rest.partition("/")
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(LUA % (ids[0], ids[1] - ids[0] + 1, s))
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", script.name]
    out = subprocess.run(
        [*command, f"{scheme}//{host}/{path}"], capture_output=True, text=True, check=True
    ).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket = re.search(r"Socket errors: (.*)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "latency": dict(re.findall(r"\s+(50|75|90|99)%\s+([\d.]+\w+)", out)),
        "non2xx": int(errors.group(1)) if errors else 0,
        "socket_errors": socket.group(1) if socket else "",
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--a", required=True, help="URL of the page under test, with {id}")
    parser.add_argument("--b", required=True, help="URL of the reference page, with {id}")
    parser.add_argument("--a-ids", default="1-1000")
    parser.add_argument("--b-ids", default="1-1000")
    parser.add_argument("--s", type=float, default=1.1, help="the Zipf exponent")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    a_ids = tuple(int(x) for x in args.a_ids.split("-"))
    b_ids = tuple(int(x) for x in args.b_ids.split("-"))
    ratios = []
    for number in range(1, args.rounds + 1):
        a = run_wrk(args.a, a_ids, args.s, args.seconds, args.connections)
        b = run_wrk(args.b, b_ids, args.s, args.seconds, args.connections)
        ratios.append(a["rps"] / b["rps"])
        print(
            f"round {number}: A {a['rps']:.0f} req/s {a['latency']} non2xx={a['non2xx']} "
            f"{a['socket_errors']} | B {b['rps']:.0f} req/s {b['latency']} "
            f"non2xx={b['non2xx']} {b['socket_errors']}"
        )
    print(f"ratio A/B (median of {args.rounds}, Zipf s={args.s}): {statistics.median(ratios):.2f}")


if __name__ == "__main__":
    main()
