// The local S3 of `npm run local`: s3rver behind a front that answers the SSE-S3 header as S3
// does, for single uploads and multipart uploads (the preflight may use either).

import {
    CompleteMultipartUploadCommand,
    CreateMultipartUploadCommand,
    HeadObjectCommand,
    PutObjectCommand,
    S3Client,
    UploadPartCommand,
} from "@aws-sdk/client-s3";
import axios from "axios";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { LocalS3 } from "./emulator/local-s3";

const directory = fs.mkdtempSync(path.join(os.tmpdir(), "local-s3-test-"));
const logLines: string[] = [];
const s3 = new LocalS3({ port: 0, bucket: "local-archives", directory, log: (line) => logLines.push(line) });
let client: S3Client;

beforeAll(async () => {
    await s3.start();
    client = new S3Client({
        region: "us-east-1",
        endpoint: s3.url,
        forcePathStyle: true,
        credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
    });
});

afterAll(async () => {
    client.destroy();
    await s3.stop();
    fs.rmSync(directory, { recursive: true, force: true });
});

beforeEach(() => (logLines.length = 0));

const Bucket = "local-archives";

describe("local S3", () => {
    it("confirms SSE-S3 on an upload that asked for it, and on reading it back", async () => {
        const put = await client.send(new PutObjectCommand({ Bucket, Key: "a/sse.txt", Body: "x", ServerSideEncryption: "AES256" }));
        expect(put.ServerSideEncryption).toBe("AES256");
        expect((await client.send(new HeadObjectCommand({ Bucket, Key: "a/sse.txt" }))).ServerSideEncryption).toBe("AES256");
        expect(logLines).toEqual([
            "PUT /local-archives/a/sse.txt 200 PutObject, SSE-S3 (AES256) confirmed",
            "HEAD /local-archives/a/sse.txt 200 HeadObject, SSE-S3 (AES256) confirmed",
        ]);
    });

    it("confirms nothing for an upload that did not ask, as a bucket without default encryption", async () => {
        const put = await client.send(new PutObjectCommand({ Bucket, Key: "a/plain.txt", Body: "x" }));
        expect(put.ServerSideEncryption).toBeUndefined();
        expect((await client.send(new HeadObjectCommand({ Bucket, Key: "a/plain.txt" }))).ServerSideEncryption).toBeUndefined();
    });

    it("carries SSE-S3 through a multipart upload created asking for it", async () => {
        const Key = "a/multipart.bin";
        const created = await client.send(new CreateMultipartUploadCommand({ Bucket, Key, ServerSideEncryption: "AES256" }));
        expect(created.ServerSideEncryption).toBe("AES256");
        const part = await client.send(new UploadPartCommand({ Bucket, Key, UploadId: created.UploadId, PartNumber: 1, Body: "part one" }));
        expect(part.ServerSideEncryption).toBe("AES256");
        const done = await client.send(
            new CompleteMultipartUploadCommand({
                Bucket,
                Key,
                UploadId: created.UploadId,
                MultipartUpload: { Parts: [{ ETag: part.ETag, PartNumber: 1 }] },
            }),
        );
        expect(done.ServerSideEncryption).toBe("AES256");
        const head = await client.send(new HeadObjectCommand({ Bucket, Key }));
        expect({ sse: head.ServerSideEncryption, length: head.ContentLength }).toEqual({ sse: "AES256", length: 8 });
        expect(logLines.map((l) => l.split(" ")[3])).toEqual(["CreateMultipartUpload,", "UploadPart,", "CompleteMultipartUpload,", "HeadObject,"]);
    });

    it("refuses the SSE header on UploadPart, as S3 does, and an encryption other than AES256", async () => {
        const part = await axios.put(`${s3.url}/local-archives/a/b?partNumber=1&uploadId=abc`, "x", {
            headers: { "x-amz-server-side-encryption": "AES256" },
            validateStatus: () => true,
        });
        expect(part.status).toBe(400);
        expect(part.data).toContain("<Code>InvalidArgument</Code>");
        const kms = await client
            .send(new PutObjectCommand({ Bucket, Key: "a/kms.txt", Body: "x", ServerSideEncryption: "aws:kms" }))
            .catch((e: Error) => e);
        expect((kms as Error).name).toBe("InvalidArgument");
    });
});
