"""Argon2id with OWASP's parameters (ASVS 2.4.1).

Django's default Argon2 parameters take 100 MiB and several threads per hash; OWASP's Password
Storage Cheat Sheet gives m = 19 MiB, t = 2, p = 1 as the minimum configuration for Argon2id.
Each wrong password that passes the locks is hashed once, so the hash's cost is what a brute
force costs the server before the locks engage (``bench/bruteforce.py``). Existing hashes keep
verifying with the parameters stored in them and are rehashed at the next sign-in.
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class OwaspArgon2PasswordHasher(Argon2PasswordHasher):
    algorithm = "argon2"  # the same prefix: Django's Argon2 hashes stay readable
    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
