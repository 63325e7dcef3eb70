/* Runs a generated bnn_model.c over a file of raw images and prints one class per line.
 *
 * Usage: predict_images PIXELS_FILE
 * PIXELS_FILE holds N images of BNN_INPUT_SIZE bytes each, back to back (the IDX file's
 * pixels without its header). The output is what `bnn-tui eval --predictions` writes, so
 * the two files can be compared with cmp. The scratch buffer is deliberately misaligned
 * by one byte: bnn_predict must accept any buffer of BNN_SCRATCH_BYTES. */
#include <stdio.h>

#include "bnn_model.h"

int main(int argc, char **argv)
{
    static unsigned char scratch[BNN_SCRATCH_BYTES + 1];
    uint8_t image[BNN_INPUT_SIZE];
    FILE *in;
    long count = 0;
    if (argc != 2) {
        fprintf(stderr, "usage: %s PIXELS_FILE\n", argv[0]);
        return 64;
    }
    in = fopen(argv[1], "rb");
    if (in == NULL) {
        fprintf(stderr, "predict_images: cannot open %s\n", argv[1]);
        return 66;
    }
    while (fread(image, 1, sizeof image, in) == sizeof image) {
        int c = bnn_predict(image, scratch + 1);
        if (c < 0 || c >= BNN_CLASSES || bnn_class_name(c) == NULL) {
            fprintf(stderr, "predict_images: bnn_predict returned %d\n", c);
            return 1;
        }
        printf("%d\n", c);
        count++;
    }
    fclose(in);
    if (bnn_predict(NULL, scratch) != -1 || bnn_class_name(BNN_CLASSES) != NULL) {
        fprintf(stderr, "predict_images: NULL or out-of-range arguments not rejected\n");
        return 1;
    }
    fprintf(stderr, "predict_images: %ld images\n", count);
    return 0;
}
