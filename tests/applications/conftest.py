from tests.programmes.factories import (  # noqa: F401
    act_as,
    english,
    make_application,
    make_programme,
    school_staff,
)
