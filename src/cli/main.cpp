/// The scout executable: the command line (scout_main.cpp), nothing else. Tests
/// that need engines with faults use test/faults/'s scout_faulty instead.

#include "scout_main.hpp"

int main(int argc, char** argv)
{
    return scout::scout_main(argc, argv);
}
